# One aliased hashicorp/aws provider per KALDRIX region. Route 53, the Aurora global cluster and
# the global dashboard are created through us-east-1; Global Accelerator only exists in us-west-2.
# Endpoints are never set here: tests and the demo add them with scripts/moto-override.sh.

terraform {
  required_version = ">= 1.11.0" # ephemeral values and write-only attributes

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60.0, < 6.0.0"
    }
  }
}

locals {
  default_tags = merge(var.tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
    Stack       = "multi-region"
  })
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}

provider "aws" {
  alias  = "us_west_2"
  region = "us-west-2"

  default_tags {
    tags = local.default_tags
  }
}

provider "aws" {
  alias  = "eu_west_1"
  region = "eu-west-1"

  default_tags {
    tags = local.default_tags
  }
}
