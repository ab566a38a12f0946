/** The roles a user can hold. Other modules import roles from here, never from Auth's entities. */
export enum Role {
  USER = 'user',
  RESEARCHER = 'researcher',
  ADMIN = 'admin',
}
