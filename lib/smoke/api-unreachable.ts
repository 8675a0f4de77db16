import { SmokeRefusal } from './refusal';

/** Nothing HTTP answered at the URL (refused, unknown host, TLS failure, timeout): not a check's verdict. */
export class ApiUnreachableError extends SmokeRefusal {
  override readonly name = 'ApiUnreachableError';

  constructor(message: string) {
    super(message, 'Check the URL: `npm run smoke -- <ApiUrl output of the stack>`, or `npm start` for the local API.');
  }
}
