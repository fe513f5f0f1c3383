// The test machines run Node 20 while the functions declare nodejs22.x; the AWS SDK's warning about the host's
// Node version is noise in test output, not a finding about the code under test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
