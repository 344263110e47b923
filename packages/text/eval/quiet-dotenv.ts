// natural's storage modules call dotenv at require time, which prints to stdout unless told to be quiet. Imported
// first by the eval and bench scripts so the setting is in place before anything requires natural.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
