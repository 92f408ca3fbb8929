data "aws_iam_policy_document" "reader" {
  statement {
    actions   = ["s3:GetObject"]
    # ruleid: tf-iam-wildcard-resource
    resources = ["*"]
  }
  statement {
    actions   = ["s3:GetObject"]
    # ok: tf-iam-wildcard-resource
    resources = ["arn:aws:s3:::acme-assets/*"]
  }
}

resource "aws_iam_policy" "writer" {
  policy = jsonencode({
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem"]
        # ruleid: tf-iam-wildcard-resource
        Resource = "*"
      },
      {
        Effect   = "Deny"
        Action   = ["s3:DeleteBucket"]
        # ok: tf-iam-wildcard-resource
        Resource = "*"
      },
    ]
  })
}
