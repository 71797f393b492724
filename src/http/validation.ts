// JSON Schema validation: bodies are taken as sent (a number is not a login), URLs are coerced from text.
import { Ajv, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';

/** Our keyword for URL numbers; not JSON Schema, so the API document leaves it out. */
export const FINITE_KEYWORD = 'finite';

const shared: Options = { useDefaults: true, removeAdditional: false, allErrors: false };

export function useSchemaValidation(app: FastifyInstance): void {
  const strictAjv = new Ajv({ ...shared, coerceTypes: false });
  const urlAjv = new Ajv({ ...shared, coerceTypes: true });
  // Ajv coerces "Infinity" to a number and then skips minimum/maximum for it: refuse it here.
  urlAjv.addKeyword({
    keyword: FINITE_KEYWORD,
    schemaType: 'boolean',
    validate: (_schema: boolean, value: unknown) => Number.isFinite(value),
    errors: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strictAjv.compile(schema) : urlAjv.compile(schema),
  );
}
