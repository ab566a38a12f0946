/** The smallest file the sighting-photo check accepts as a PNG (its signature, then filler). */
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);

/** A valid `POST /api/v1/observations` body with only the required fields. */
export const sighting = {
  speciesName: 'Mola mola',
  commonName: 'Ocean Sunfish',
  locationName: 'Plymouth Sound',
  observationDatetime: '2024-06-01T10:30:00Z',
  location: { type: 'Point', coordinates: [-4.1427, 50.3655] },
};
