import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { page, Page, PageQueryDto } from '../../common/pagination/pagination.js';
import { Contact } from '../entities/contact.entity.js';

/** Read side of the contacts the `contacts` kind loads. */
@Injectable()
export class ContactsService {
  constructor(@InjectRepository(Contact) private readonly contacts: Repository<Contact>) {}

  /** By exact email (case-insensitive, through the unique index), else every contact by email. */
  async list(query: PageQueryDto & { email?: string }): Promise<Page<Contact>> {
    const qb = this.contacts
      .createQueryBuilder('c')
      .orderBy('lower(c.email)')
      .take(query.limit)
      .skip(query.offset);
    if (query.email) qb.where('lower(c.email) = lower(:email)', { email: query.email.trim() });
    const [items, total] = await qb.getManyAndCount();
    return page(items, total, query);
  }
}
