export const AZURITE_ACCOUNT: string;
export interface Azurite {
  port: number;
  endpoint: string;
  tableUrl(table: string): string;
  connectionString: string;
  close(): Promise<void>;
}
export function startAzurite(): Promise<Azurite>;
