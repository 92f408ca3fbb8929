data "aws_iam_policy_document" "ci" {
  statement {
    # ruleid: tf-iam-wildcard-action
    actions   = ["*"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    # ok: tf-iam-wildcard-action
    actions   = ["*"]
    resources = ["arn:aws:s3:::audit-logs/*"]
  }
  statement {
    # ok: tf-iam-wildcard-action
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-assets/*"]
  }
}

resource "aws_iam_policy" "admin" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        # ruleid: tf-iam-wildcard-action
        Action   = "*"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        # ok: tf-iam-wildcard-action
        Action   = ["s3:PutObject"]
        Resource = "arn:aws:s3:::acme-uploads/*"
      },
    ]
  })
}
