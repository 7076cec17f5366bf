/**
 * Loaded by mocha before every suite (.mocharc.json). The AWS SDK warns once per process on Node.js
 * 20, which the product supports (the container runs 22); keep test output to test results. Child
 * processes the tests spawn inherit the setting.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
