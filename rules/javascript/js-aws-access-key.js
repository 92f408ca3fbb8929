const AWS = require("aws-sdk");

// ruleid: js-aws-access-key
AWS.config.update({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: process.env.AWS_SECRET });
// ok: js-aws-access-key
AWS.config.update({ accessKeyId: process.env.AWS_ACCESS_KEY_ID });
// ok: js-aws-access-key
const docs = "Access key ids start with AKIA and are 20 characters long";
