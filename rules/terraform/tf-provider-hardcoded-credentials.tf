provider "aws" {
  region     = "eu-west-1"
  # ruleid: tf-provider-hardcoded-credentials
  access_key = "AKIAIOSFODNN7EXAMPLE"
  # ruleid: tf-provider-hardcoded-credentials
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

provider "github" {
  # ok: tf-provider-hardcoded-credentials
  token = var.github_token
  # ok: tf-provider-hardcoded-credentials
  owner = "acme-corporation"
}
