export const FAKE_SN: {
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  token: string;
};
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
export interface ServiceNowFake {
  url: string;
  cert: Buffer;
  certPath: string;
  state: {
    requests: FakeRequest[];
    changes: Record<string, { sys_id: string; state: string }>;
  };
  close(): Promise<void>;
}
export function startServiceNowFake(options?: {
  changes?: Record<string, { sys_id: string; state: string }>;
  faults?: { match: RegExp; status: number; times?: number; retryAfter?: number; body?: string }[];
}): Promise<ServiceNowFake>;
