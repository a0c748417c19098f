// Response helpers in Salesforce's shapes: REST errors are a JSON array of {message, errorCode, fields?};
// OAuth errors are an object {error, error_description}.
export interface SfErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** Thrown by routes; the API gate turns it into Salesforce's error response. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: SfErrorBody[];
  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.status = status;
    this.errors = [fields ? { message, errorCode, fields } : { message, errorCode }];
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

export function errorResponse(status: number, errors: SfErrorBody[]): Response {
  return json(errors, status);
}

export function oauthError(status: number, error: string, description: string): Response {
  return json({ error, error_description: description }, status);
}

export const notFound = () => new ApiError(404, "NOT_FOUND", "The requested resource does not exist");

export function methodNotAllowed(method: string, allowed: string[]): ApiError {
  return new ApiError(
    405,
    "METHOD_NOT_ALLOWED",
    `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(",")}`,
  );
}

/** Reads a JSON body the way Salesforce does: malformed JSON is a 400 JSON_PARSER_ERROR. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(
      400,
      "JSON_PARSER_ERROR",
      `Unexpected character: was expecting a JSON value ${(e as Error).message}`,
    );
  }
}
