# ironplan with plain Terraform on real machines: nodes with IPMI BMCs, network-booted with iPXE into
# ironplan's deploy ramdisk, and a deployment of a raw disk image.
#
#   ironplan ramdisk build --install .ironplan/boot      # deploy.vmlinuz + deploy.initrd.gz
#   ironplan serve --host 0.0.0.0 --api-url http://PROVISIONING_IP:6385
#   npm run provider:install && terraform init
#   terraform apply -var 'bmc_password=...'               # or TF_VAR_bmc_password
terraform {
  required_providers {
    ironplan = {
      source  = "ironplan/ironplan"
      version = "0.1.0"
    }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:6385"
}

variable "bmc_password" {
  type      = string
  sensitive = true
}

variable "machines" {
  description = "name => BMC address and the MAC of the NIC that PXE-boots"
  type        = map(object({ bmc = string, mac = string }))
  default = {
    "r1-01" = { bmc = "10.0.0.11", mac = "52:54:00:00:20:01" }
    "r1-02" = { bmc = "10.0.0.12", mac = "52:54:00:00:20:02" }
  }
}

provider "ironplan" {
  endpoint = var.endpoint
}

resource "ironplan_node" "machine" {
  for_each = var.machines
  name     = each.key
  driver   = "ipmi"
  driver_info = {
    ipmi_address      = each.value.bmc
    ipmi_username     = "admin"
    ipmi_cipher_suite = "3"
    deploy_kernel     = "deploy.vmlinuz"
    deploy_ramdisk    = "deploy.initrd.gz"
  }
  driver_secrets = { ipmi_password = var.bmc_password } # sensitive: never shown in plans or state output
  resource_class = "baremetal.general"
  ports          = [{ address = each.value.mac }]
}

resource "ironplan_deployment" "db" {
  name           = "db"
  node           = ironplan_node.machine["r1-01"].name
  image_source   = "http://PROVISIONING_IP:6385/boot/images/debian-12.raw"
  image_checksum = "sha256:0000000000000000000000000000000000000000000000000000000000000000" # the image's real digest
  root_device    = { name = "/dev/sda" }

  timeouts {
    create = "45m"
  }
}
