import { S3Client } from "@aws-sdk/client-s3";

export const s3 = new S3Client({
  region: "eu-west-1",
  // ruleid: js-aws-access-key
  credentials: { accessKeyId: `ASIAY34FZKBOKMUTVV7A`, secretAccessKey: process.env.SECRET ?? "" },
});
// ok: js-aws-access-key
export const fromEnv = new S3Client({ region: process.env.AWS_REGION });
