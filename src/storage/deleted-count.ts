// How many rows a Kysely delete removed, as a number (both drivers report a bigint).
export const deletedCount = (result: { numDeletedRows: bigint }): number => Number(result.numDeletedRows);
