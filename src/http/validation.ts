// JSON Schema validation: bodies are taken as sent (a number is not a login), URLs are coerced from text.
import { Ajv, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';

const shared: Options = { useDefaults: true, removeAdditional: false, allErrors: false };

export function useSchemaValidation(app: FastifyInstance): void {
  const strictAjv = new Ajv({ ...shared, coerceTypes: false });
  const urlAjv = new Ajv({ ...shared, coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strictAjv.compile(schema) : urlAjv.compile(schema),
  );
}
