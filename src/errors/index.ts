export { ERRORS, type ErrorCode, type ErrorSpec } from './catalogue.js';
export { PlinthError, asPlinthError, errorMessage, type ErrorParams } from './plinth-error.js';
