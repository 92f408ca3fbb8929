import boto3

# ruleid: py-aws-access-key
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def client():
    # ruleid: py-aws-access-key
    return boto3.client("s3", aws_access_key_id="AKIAI44QH8DHBEXAMPLE")


# ok: py-aws-access-key
REGION = "eu-west-1"
# ok: py-aws-access-key
KEY_ENV = "AWS_ACCESS_KEY_ID"
