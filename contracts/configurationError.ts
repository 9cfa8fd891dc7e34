import { ContractsError } from './errors';

/** Bad settings, worded for the person who set them; shown in one line, without a stack trace. */
export class ConfigurationError extends ContractsError {
  override name = 'ConfigurationError';
}
