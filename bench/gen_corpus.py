#!/usr/bin/env python3
"""Writes a benchmark corpus of realistic Redshift stacks in three formats.

    bench/gen_corpus.py N OUT_DIR [--seed S] [--formats hcl,plan,cfn]

For every stack i in 0..N-1 it writes the same deployment three times:

  OUT_DIR/hcl/stack_NNNNN/main.tf     a Terraform root module
  OUT_DIR/plan/stack_NNNNN.json       its `terraform show -json` plan (format 1.2), synthesized
  OUT_DIR/cfn/stack_NNNNN.yaml        a CloudFormation template (YAML, short tags)

and OUT_DIR/expected.json with the number of findings per rule and format that a correct
analysis reports (see `predict`). Findings are a deterministic function of i (see `Flags`);
names, regions and CIDRs come from a PRNG seeded with (seed, i), so the corpus is reproducible.

Python 3.11 standard library only. The plan synthesizer (`plan.py`) follows what Terraform
1.11 with hashicorp/aws 5.100 writes; `bench/validate_plan.py` compares it with real
`terraform show -json` output where Terraform is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tfast import Blk, Json, Local, Ref, Res, Tmpl, render_hcl  # noqa: E402

RULES = [
    "RS100", "RS101", "RS102", "RS103", "RS104", "RS105", "RS106", "RS107", "RS108", "RS109", "RS110",
    "RS111", "RS112", "RS201", "RS202", "RS203", "RS204", "RS205", "RS206", "RS301", "RS302",
    "RS303", "RS401", "RS402", "RS403", "RS404", "RS405", "RS406", "RS407", "RS408",
]  # fmt: skip
FORMATS = ["hcl", "plan", "cfn"]

REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
TEAMS = ["sales", "finance", "marketing", "ops", "risk", "growth", "supply", "people", "ads"]
ENVS = ["prod", "stage", "dev"]
NODE_TYPES = [("ra3.xlplus", 2), ("ra3.4xlarge", 2), ("ra3.xlplus", 1), ("ra3.16xlarge", 4)]


# --------------------------------------------------------------------------------------------
# What stack i contains. Every flag adds exactly the findings `predict` counts.


@dataclass
class Flags:
    serverless: bool  # Redshift Serverless namespace + workgroup instead of a cluster
    sg_style: int  # 0 inline ingress/egress, 1 aws_security_group_rule, 2 aws_vpc_security_group_*_rule
    open_world: bool  # RS105: 5439 open to 0.0.0.0/0
    public: bool  # RS104: publicly_accessible = true
    single_subnet: bool  # RS102: 1 subnet (cluster) / 2 subnets (workgroup)
    no_flow_log: bool  # RS110
    ssl_off: bool  # RS109
    public_subnet: bool  # RS103: a warehouse subnet is associated with the IGW route table
    no_sg: bool  # RS107: the warehouse names no security group
    no_egress_443: bool  # RS206: the only egress is TCP 80
    nacl_blocks_s3: bool  # RS108: NACL egress only to the VPC (implicit deny for S3)
    no_subnet_group: bool  # RS101: cluster without a subnet group
    vpce_only_bucket: bool  # RS201: bucket policy denies requests not through a VPC endpoint
    bad_trust: bool  # RS202: role trusts an AWS account as well
    presigned_deny: bool  # RS203: role policy denies signatures older than 10 minutes
    evr: bool  # enhanced VPC routing (RS204/RS205 can only fire with it)
    nat: bool  # NAT gateway (+ IGW, public subnet, EIP): a path to S3 and Glue
    igw: bool  # internet gateway + public subnet + public route table
    no_s3_endpoint: bool  # no S3 gateway endpoint
    no_bucket_logging: bool  # RS301
    trail_write_only: bool  # RS302: a trail recording only write data events
    no_audit_logging: bool  # RS303 (clusters)
    param_group: bool  # a custom parameter group (cluster)
    ssl_legacy_family: bool  # RS109 through a redshift-1.0 group instead of require_ssl=false
    split_policy: bool  # CFN: separate AWS::IAM::Policy instead of inline Policies
    snapshots_kept: bool  # clusters: automated snapshots kept 7 days (else the 1-day default: RS403)
    logs_exported: bool  # Serverless: userlog and connectionlog exported (else RS408)
    literal_password: bool  # RS407: the admin password is a literal (else managed by Redshift)


def flags_for(i: int) -> Flags:
    # Moduli are chosen so that every flag also meets Serverless stacks (i % 6 == 5).
    serverless = i % 6 == 5
    public_subnet = i % 11 == 0
    nat = i % 5 == 2
    ssl_off = i % 9 == 2
    return Flags(
        serverless=serverless,
        sg_style=(i // 6) % 3,
        open_world=i % 4 == 1,
        public=i % 5 == 0,
        single_subnet=i % 7 == 0,
        no_flow_log=i % 7 in (3, 5),
        ssl_off=ssl_off,
        public_subnet=public_subnet,
        no_sg=i % 13 == 6,
        no_egress_443=i % 8 == 3,
        nacl_blocks_s3=i % 10 == 7,
        no_subnet_group=(not serverless) and i % 19 == 18,
        vpce_only_bucket=i % 12 == 2,
        bad_trust=i % 14 == 5,
        presigned_deny=i % 15 == 11,
        evr=i % 4 in (1, 2),
        nat=nat,
        igw=nat or public_subnet or i % 10 == 6,
        no_s3_endpoint=i % 16 == 9,
        no_bucket_logging=i % 11 == 4,
        trail_write_only=i % 17 == 10,
        no_audit_logging=(not serverless) and i % 8 == 5,
        param_group=(not serverless) and (ssl_off or i % 3 == 1),
        ssl_legacy_family=i % 18 == 2,
        split_policy=(i // 2) % 2 == 0,
        snapshots_kept=i % 3 != 0,
        logs_exported=i % 12 == 5,
        literal_password=i % 7 == 4,
    )


@dataclass
class Stack:
    i: int
    flags: Flags
    name: str
    region: str
    account: str
    octet: int
    node_type: str
    nodes: int
    extra: dict = field(default_factory=dict)

    @property
    def vpc_cidr(self) -> str:
        return f"10.{self.octet}.0.0/16"

    @property
    def bucket(self) -> str:
        return f"{self.name}-lake-{self.account}"

    @property
    def azs(self) -> list[str]:
        return [f"{self.region}a", f"{self.region}b", f"{self.region}c"]

    def warehouse_subnets(self) -> list[str]:
        """Names of the subnets the warehouse uses (tf names: private_a, ...)."""
        n = 3 if self.flags.serverless else 2
        if self.flags.single_subnet:
            n -= 1
        return ["private_a", "private_b", "private_c"][:n]

    def all_private_subnets(self) -> list[str]:
        return ["private_a", "private_b", "private_c"][: 3 if self.flags.serverless else 2]


def make_stack(i: int, seed: int) -> Stack:
    rng = random.Random(seed * 1_000_003 + i)
    team = rng.choice(TEAMS)
    env = rng.choice(ENVS)
    node_type, nodes = rng.choice(NODE_TYPES)
    return Stack(
        i=i,
        flags=flags_for(i),
        name=f"{team}-{env}-{i:05d}",
        region=rng.choice(REGIONS),
        account=f"{rng.randrange(10**11, 10**12):012d}",
        octet=i % 250,
        node_type=node_type,
        nodes=nodes,
        extra={"vpce": f"vpce-{rng.getrandbits(68):017x}", "tgw": f"tgw-{rng.getrandbits(68):017x}"},
    )


# --------------------------------------------------------------------------------------------
# Expected findings. Each rule is predicted from the flags by the rule's documented logic, per
# analysis unit (a stack, or all stacks of one plan for gen_big_plan.py).


def _subnet_paths(st: Stack) -> list[dict]:
    """For each warehouse subnet: its route table's reachability facts."""
    f = st.flags
    out = []
    for sn in st.warehouse_subnets():
        on_public = f.public_subnet and sn == "private_a"
        out.append(
            {
                "igw": on_public,
                "nat": (not on_public) and f.nat,
                "s3_gateway": (not on_public) and not f.no_s3_endpoint,
            }
        )
    return out


def predict_stack(st: Stack, fmt: str) -> Counter:
    f = st.flags
    c: Counter = Counter()
    cluster = not f.serverless
    has_subnets = not (cluster and f.no_subnet_group)
    sgs = not f.no_sg
    # RS100: every hop holds through private_a (public route table): a public address, the
    # IGW route, 5439 open to the world; the VPC's default ACL allows both ways unless the
    # stack's NACL (egress only to the VPC) drops the replies.
    reachable = f.public_subnet and f.public and sgs and f.open_world
    if has_subnets and reachable and not f.nacl_blocks_s3:
        c["RS100"] += 1
    if cluster and f.no_subnet_group:
        c["RS101"] += 1
    if has_subnets and f.single_subnet:
        c["RS102"] += 1
    if has_subnets and f.public_subnet:
        c["RS103"] += 1  # one route 0.0.0.0/0 -> igw on the public route table
    if f.public:
        c["RS104"] += 1
    if sgs and f.open_world:
        c["RS105"] += 1
    if f.no_sg:
        c["RS107"] += 1
    if has_subnets and f.nacl_blocks_s3:
        c["RS108"] += 1  # one finding per ACL and blocking site (its implicit deny)
    if f.ssl_off:
        c["RS109"] += 1
    if has_subnets and f.no_flow_log:
        c["RS110"] += 1
    if cluster and f.vpce_only_bucket:
        c["RS201"] += 1
    if f.bad_trust:
        c["RS202"] += 1
    if f.presigned_deny:
        c["RS203"] += 1
    if f.evr and has_subnets:
        paths = _subnet_paths(st)
        public_path = [p["igw"] and f.public for p in paths]
        catalog = any(p["nat"] or pub for p, pub in zip(paths, public_path))
        s3 = any(p["nat"] or p["s3_gateway"] or pub for p, pub in zip(paths, public_path))
        if not catalog:
            c["RS204"] += 1
        if not s3:
            c["RS205"] += 1
    if sgs and f.no_egress_443:
        c["RS206"] += 1
    if f.no_bucket_logging:
        c["RS301"] += 1
    if f.trail_write_only:
        c["RS302"] += 1
    if cluster and f.no_audit_logging:
        c["RS303"] += 1
    # The posture rules: encryption, names, upgrades and KMS (RS402 is opt-in) are always
    # written well; enhanced VPC routing is off where RS204/RS205 cannot fire.
    if not f.evr:
        c["RS112"] += 1
    if cluster and not f.snapshots_kept:
        c["RS403"] += 1
    if f.serverless and not f.logs_exported:
        c["RS408"] += 1
    if f.literal_password:
        c["RS407"] += 1
    return c


def predict_unit(stacks: list[Stack], fmt: str) -> Counter:
    """Findings of several stacks analyzed as one unit (one plan with many modules).

    Only RS302 crosses stacks. Once any trail is in scope, every Spectrum bucket that no trail
    records reads of is judged (all our trails are write-only, so that is every warehouse's
    bucket), and RS302 anchors each finding at the unit's first trail. The report merges
    findings of one rule at one span, so the unit gets a single RS302 whose related locations
    list every bucket."""
    c: Counter = Counter()
    for st in stacks:
        c.update(predict_stack(st, fmt))
    if len(stacks) > 1:
        c["RS302"] = 1 if any(s.flags.trail_write_only for s in stacks) else 0
    return c


# --------------------------------------------------------------------------------------------
# Terraform: the stack as resources (shared by the HCL and plan writers).


def tf_resources(st: Stack) -> tuple[dict, list[Res]]:
    """(locals, resources) of the stack's Terraform root module."""
    f = st.flags
    o = st.octet
    loc = {"name": st.name, "lake_bucket": st.bucket}
    L = Local
    tags = lambda suffix: {"Name": Tmpl([L("name"), suffix])}  # noqa: E731
    rs: list[Res] = []
    add = rs.append

    add(
        Res(
            "aws_vpc",
            "main",
            [
                ("cidr_block", st.vpc_cidr),
                ("enable_dns_support", True),
                ("enable_dns_hostnames", True),
                ("tags", tags("-vpc")),
            ],
        )
    )
    for k, sn in enumerate(st.all_private_subnets()):
        add(
            Res(
                "aws_subnet",
                sn,
                [
                    ("vpc_id", Ref("aws_vpc.main", "id")),
                    ("cidr_block", f"10.{o}.{10 + k}.0/24"),
                    ("availability_zone", st.azs[k]),
                    ("tags", tags(f"-{sn.replace('_', '-')}")),
                ],
            )
        )
    if f.igw:
        add(Res("aws_internet_gateway", "main", [("vpc_id", Ref("aws_vpc.main", "id")), ("tags", tags("-igw"))]))
        add(
            Res(
                "aws_subnet",
                "public",
                [
                    ("vpc_id", Ref("aws_vpc.main", "id")),
                    ("cidr_block", f"10.{o}.0.0/24"),
                    ("availability_zone", st.azs[0]),
                    ("map_public_ip_on_launch", True),
                    ("tags", tags("-public")),
                ],
            )
        )
        add(
            Res(
                "aws_route_table",
                "public",
                [
                    ("vpc_id", Ref("aws_vpc.main", "id")),
                    ("route", Blk([("cidr_block", "0.0.0.0/0"), ("gateway_id", Ref("aws_internet_gateway.main", "id"))])),
                    ("tags", tags("-public")),
                ],
            )
        )
        add(
            Res(
                "aws_route_table_association",
                "public",
                [
                    ("subnet_id", Ref("aws_subnet.public", "id")),
                    ("route_table_id", Ref("aws_route_table.public", "id")),
                ],
            )
        )
    if f.nat:
        add(Res("aws_eip", "nat", [("domain", "vpc"), ("tags", tags("-nat"))]))
        add(
            Res(
                "aws_nat_gateway",
                "main",
                [
                    ("allocation_id", Ref("aws_eip.nat", "id")),
                    ("subnet_id", Ref("aws_subnet.public", "id")),
                    ("tags", tags("-nat")),
                ],
            )
        )
    private_routes = [
        ("route", Blk([("cidr_block", "172.16.0.0/12"), ("transit_gateway_id", st.extra["tgw"])])),
    ]
    if f.nat:
        private_routes.append(
            ("route", Blk([("cidr_block", "0.0.0.0/0"), ("nat_gateway_id", Ref("aws_nat_gateway.main", "id"))]))
        )
    add(
        Res(
            "aws_route_table",
            "private",
            [("vpc_id", Ref("aws_vpc.main", "id"))] + private_routes + [("tags", tags("-private"))],
        )
    )
    for sn in st.all_private_subnets():
        table = "public" if (f.public_subnet and sn == "private_a") else "private"
        add(
            Res(
                "aws_route_table_association",
                sn,
                [
                    ("subnet_id", Ref(f"aws_subnet.{sn}", "id")),
                    ("route_table_id", Ref(f"aws_route_table.{table}", "id")),
                ],
            )
        )

    # Network ACL of the warehouse subnets (stateless: ephemeral ports back in).
    egress_cidr = st.vpc_cidr if f.nacl_blocks_s3 else "0.0.0.0/0"
    add(
        Res(
            "aws_network_acl",
            "redshift",
            [
                ("vpc_id", Ref("aws_vpc.main", "id")),
                ("subnet_ids", [Ref(f"aws_subnet.{sn}", "id") for sn in st.all_private_subnets()]),
                (
                    "ingress",
                    Blk(
                        [
                            ("rule_no", 100),
                            ("action", "allow"),
                            ("protocol", "-1"),
                            ("from_port", 0),
                            ("to_port", 0),
                            ("cidr_block", st.vpc_cidr),
                        ]
                    ),
                ),
                (
                    "ingress",
                    Blk(
                        [
                            ("rule_no", 200),
                            ("action", "allow"),
                            ("protocol", "tcp"),
                            ("from_port", 1024),
                            ("to_port", 65535),
                            ("cidr_block", "0.0.0.0/0"),
                        ]
                    ),
                ),
                (
                    "egress",
                    Blk(
                        [
                            ("rule_no", 100),
                            ("action", "allow"),
                            ("protocol", "-1"),
                            ("from_port", 0),
                            ("to_port", 0),
                            ("cidr_block", egress_cidr),
                        ]
                    ),
                ),
                ("tags", tags("-redshift")),
            ],
        )
    )
    if not f.no_s3_endpoint:
        add(
            Res(
                "aws_vpc_endpoint",
                "s3",
                [
                    ("vpc_id", Ref("aws_vpc.main", "id")),
                    ("service_name", f"com.amazonaws.{st.region}.s3"),
                    ("vpc_endpoint_type", "Gateway"),
                    ("route_table_ids", [Ref("aws_route_table.private", "id")]),
                    ("tags", tags("-s3")),
                ],
            )
        )

    # Security group, with the stack's rule style.
    ingress_cidr = "0.0.0.0/0" if f.open_world else st.vpc_cidr
    egress_port = 80 if f.no_egress_443 else 443
    sg_body = [
        ("name", Tmpl([L("name"), "-redshift"])),
        ("description", "Redshift warehouse access"),
        ("vpc_id", Ref("aws_vpc.main", "id")),
    ]
    if f.sg_style == 0:
        sg_body += [
            (
                "ingress",
                Blk(
                    [
                        ("description", "Redshift clients"),
                        ("from_port", 5439),
                        ("to_port", 5439),
                        ("protocol", "tcp"),
                        ("cidr_blocks", [ingress_cidr]),
                    ]
                ),
            ),
            (
                "egress",
                Blk(
                    [
                        ("description", "AWS endpoints" if egress_port == 443 else "HTTP mirrors"),
                        ("from_port", egress_port),
                        ("to_port", egress_port),
                        ("protocol", "tcp"),
                        ("cidr_blocks", ["0.0.0.0/0"]),
                    ]
                ),
            ),
        ]
    sg_body.append(("tags", tags("-redshift")))
    add(Res("aws_security_group", "redshift", sg_body))
    if f.sg_style == 1:
        for nm, typ, port, cidr, desc in [
            ("redshift_clients", "ingress", 5439, ingress_cidr, "Redshift clients"),
            ("egress", "egress", egress_port, "0.0.0.0/0", "AWS endpoints" if egress_port == 443 else "HTTP mirrors"),
        ]:
            add(
                Res(
                    "aws_security_group_rule",
                    nm,
                    [
                        ("type", typ),
                        ("description", desc),
                        ("from_port", port),
                        ("to_port", port),
                        ("protocol", "tcp"),
                        ("cidr_blocks", [cidr]),
                        ("security_group_id", Ref("aws_security_group.redshift", "id")),
                    ],
                )
            )
    elif f.sg_style == 2:
        for kind, nm, port, cidr, desc in [
            ("ingress", "redshift_clients", 5439, ingress_cidr, "Redshift clients"),
            ("egress", "egress", egress_port, "0.0.0.0/0", "AWS endpoints" if egress_port == 443 else "HTTP mirrors"),
        ]:
            add(
                Res(
                    f"aws_vpc_security_group_{kind}_rule",
                    nm,
                    [
                        ("security_group_id", Ref("aws_security_group.redshift", "id")),
                        ("description", desc),
                        ("ip_protocol", "tcp"),
                        ("from_port", port),
                        ("to_port", port),
                        ("cidr_ipv4", cidr),
                    ],
                )
            )

    # Spectrum: role, its policy, the lake bucket.
    principal: dict = {"Service": "redshift-serverless.amazonaws.com" if f.serverless else "redshift.amazonaws.com"}
    if f.bad_trust:
        principal["AWS"] = f"arn:aws:iam::{st.account}:root"
    add(
        Res(
            "aws_iam_role",
            "spectrum",
            [
                ("name", Tmpl([L("name"), "-spectrum"])),
                (
                    "assume_role_policy",
                    Json(
                        {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}],
                        }
                    ),
                ),
                ("tags", {"Team": st.name.split("-")[0]}),
            ],
        )
    )
    lake_arn = Tmpl(["arn:aws:s3:::", L("lake_bucket")])
    statements: list = [
        {
            "Sid": "ReadLake",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": [lake_arn, Tmpl(["arn:aws:s3:::", L("lake_bucket"), "/*"])],
        },
        {
            "Sid": "Catalog",
            "Effect": "Allow",
            "Action": ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
            "Resource": "*",
        },
    ]
    if f.presigned_deny:
        statements.append(
            {
                "Sid": "FreshSignaturesOnly",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"NumericGreaterThan": {"s3:signatureAge": "600000"}},
            }
        )
    add(
        Res(
            "aws_iam_role_policy",
            "spectrum",
            [
                ("name", "spectrum-read"),
                ("role", Ref("aws_iam_role.spectrum", "id")),
                ("policy", Json({"Version": "2012-10-17", "Statement": statements})),
            ],
        )
    )
    add(Res("aws_s3_bucket", "lake", [("bucket", L("lake_bucket")), ("tags", tags("-lake"))]))
    if not f.no_bucket_logging:
        add(
            Res(
                "aws_s3_bucket_logging",
                "lake",
                [
                    ("bucket", Ref("aws_s3_bucket.lake", "id")),
                    ("target_bucket", f"access-logs-{st.account}"),
                    ("target_prefix", Tmpl([L("lake_bucket"), "/"])),
                ],
            )
        )
    if f.vpce_only_bucket:
        add(
            Res(
                "aws_s3_bucket_policy",
                "lake",
                [
                    ("bucket", Ref("aws_s3_bucket.lake", "id")),
                    (
                        "policy",
                        Json(
                            {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {
                                        "Sid": "OnlyThroughEndpoint",
                                        "Effect": "Deny",
                                        "Principal": "*",
                                        "Action": "s3:*",
                                        "Resource": [lake_arn, Tmpl(["arn:aws:s3:::", L("lake_bucket"), "/*"])],
                                        "Condition": {"StringNotEquals": {"aws:SourceVpce": st.extra["vpce"]}},
                                    }
                                ],
                            }
                        ),
                    ),
                ],
            )
        )
    if not f.no_flow_log:
        add(
            Res(
                "aws_flow_log",
                "main",
                [
                    ("vpc_id", Ref("aws_vpc.main", "id")),
                    ("traffic_type", "ALL"),
                    ("log_destination_type", "s3"),
                    ("log_destination", f"arn:aws:s3:::flow-logs-{st.account}"),
                ],
            )
        )
    if f.trail_write_only:
        add(
            Res(
                "aws_cloudtrail",
                "data",
                [
                    ("name", Tmpl([L("name"), "-data"])),
                    ("s3_bucket_name", f"trail-logs-{st.account}"),
                    (
                        "event_selector",
                        Blk(
                            [
                                ("read_write_type", "WriteOnly"),
                                ("include_management_events", True),
                                (
                                    "data_resource",
                                    Blk([("type", "AWS::S3::Object"), ("values", [Tmpl(["arn:aws:s3:::", L("lake_bucket"), "/"])])]),
                                ),
                            ]
                        ),
                    ),
                ],
            )
        )

    sg_ids = [] if f.no_sg else [Ref("aws_security_group.redshift", "id")]
    subnets = [Ref(f"aws_subnet.{sn}", "id") for sn in st.warehouse_subnets()]
    if f.serverless:
        add(
            Res(
                "aws_redshiftserverless_namespace",
                "main",
                [
                    ("namespace_name", L("name")),
                    ("db_name", "analytics"),
                    ("admin_username", "analytics_admin"),
                    password_attr(st, "admin_user_password", "manage_admin_password"),
                ]
                + ([("log_exports", ["userlog", "connectionlog", "useractivitylog"])] if f.logs_exported else [])
                + [
                    ("iam_roles", [Ref("aws_iam_role.spectrum", "arn")]),
                    ("default_iam_role_arn", Ref("aws_iam_role.spectrum", "arn")),
                ],
            )
        )
        wg = [
            ("namespace_name", Ref("aws_redshiftserverless_namespace.main", "namespace_name")),
            ("workgroup_name", L("name")),
            ("base_capacity", 32),
            ("subnet_ids", subnets),
        ]
        if not f.no_sg:
            wg.append(("security_group_ids", sg_ids))
        wg += [("publicly_accessible", f.public), ("enhanced_vpc_routing", f.evr)]
        if f.ssl_off:
            wg.append(("config_parameter", Blk([("parameter_key", "require_ssl"), ("parameter_value", "false")])))
        add(Res("aws_redshiftserverless_workgroup", "main", wg))
    else:
        if f.param_group:
            params = [("parameter", Blk([("name", "enable_user_activity_logging"), ("value", "true")]))]
            family = "redshift-2.0"
            if f.ssl_off and f.ssl_legacy_family:
                family = "redshift-1.0"
            else:
                params.insert(0, ("parameter", Blk([("name", "require_ssl"), ("value", "false" if f.ssl_off else "true")])))
            add(
                Res(
                    "aws_redshift_parameter_group",
                    "main",
                    [("name", Tmpl([L("name"), "-params"])), ("family", family)] + params,
                )
            )
        add(
            Res(
                "aws_redshift_subnet_group",
                "main",
                [("name", Tmpl([L("name"), "-private"])), ("subnet_ids", subnets)],
            )
        )
        body = [
            ("cluster_identifier", L("name")),
            ("node_type", st.node_type),
            ("cluster_type", "multi-node" if st.nodes > 1 else "single-node"),
        ]
        if st.nodes > 1:
            body.append(("number_of_nodes", st.nodes))
        body += [
            ("database_name", "analytics"),
            ("master_username", "analytics_admin"),
            password_attr(st, "master_password", "manage_master_password"),
            ("encrypted", True),
        ]
        if not f.no_subnet_group:
            body.append(("cluster_subnet_group_name", Ref("aws_redshift_subnet_group.main", "name")))
        if not f.no_sg:
            body.append(("vpc_security_group_ids", sg_ids))
        if f.param_group:
            body.append(("cluster_parameter_group_name", Ref("aws_redshift_parameter_group.main", "name")))
        body += [
            ("iam_roles", [Ref("aws_iam_role.spectrum", "arn")]),
            ("enhanced_vpc_routing", f.evr),
            ("publicly_accessible", f.public),
            ("skip_final_snapshot", True),
        ]
        if f.snapshots_kept:
            body.append(("automated_snapshot_retention_period", 7))
        add(Res("aws_redshift_cluster", "main", body))
        if not f.no_audit_logging:
            add(
                Res(
                    "aws_redshift_logging",
                    "main",
                    [
                        ("cluster_identifier", Ref("aws_redshift_cluster.main", "id")),
                        ("log_destination_type", "cloudwatch"),
                        ("log_exports", ["connectionlog", "userlog", "useractivitylog"]),
                    ],
                )
            )
    return loc, rs


def literal_password(st: Stack) -> str:
    """The admin password a stack with `literal_password` writes (a made-up one)."""
    return f"Corpus-{st.i}-Passw0rd"


def password_attr(st: Stack, literal: str, managed: str) -> tuple:
    """The admin password: a literal (RS407), or managed by Amazon Redshift."""
    if st.flags.literal_password:
        return (literal, literal_password(st))
    return (managed, True)


def hcl_text(st: Stack) -> str:
    loc, rs = tf_resources(st)
    head = (
        f"# {st.name}: Redshift {'Serverless' if st.flags.serverless else 'cluster'} stack "
        f"(generated by bench/gen_corpus.py)\n\n"
        "terraform {\n"
        '  required_version = ">= 1.5"\n\n'
        "  required_providers {\n"
        "    aws = {\n"
        '      source  = "hashicorp/aws"\n'
        '      version = "~> 5.0"\n'
        "    }\n"
        "  }\n"
        "}\n\n"
        'provider "aws" {\n'
        f'  region = "{st.region}"\n'
        "}\n\n"
    )
    return head + render_hcl(loc, rs)


# --------------------------------------------------------------------------------------------
# Writing.


def write_corpus(n: int, out: str, seed: int, formats: list[str]) -> dict:
    from cfn import cfn_text
    from plan import plan_document, plan_json

    expected: dict = {fmt: Counter() for fmt in formats}
    sizes = {fmt: 0 for fmt in formats}
    per_stack: dict = {fmt: {} for fmt in formats}
    for i in range(n):
        st = make_stack(i, seed)
        stem = f"stack_{i:05d}"
        for fmt in formats:
            if fmt == "hcl":
                d = os.path.join(out, "hcl", stem)
                os.makedirs(d, exist_ok=True)
                path = os.path.join(d, "main.tf")
                text = hcl_text(st)
            elif fmt == "plan":
                os.makedirs(os.path.join(out, "plan"), exist_ok=True)
                path = os.path.join(out, "plan", stem + ".json")
                text = plan_json(plan_document([st]))
            else:
                os.makedirs(os.path.join(out, "cfn"), exist_ok=True)
                path = os.path.join(out, "cfn", stem + ".yaml")
                text = cfn_text(st)
            data = text.encode()
            sizes[fmt] += len(data)
            with open(path, "wb") as fh:
                fh.write(data)
            found = predict_stack(st, fmt)
            expected[fmt].update(found)
            per_stack[fmt][stem] = {r: found[r] for r in RULES if found[r]}
    doc = {
        "generator": "bench/gen_corpus.py",
        "stacks": n,
        "seed": seed,
        "bytes": sizes,
        "findings": {fmt: {r: expected[fmt][r] for r in RULES} for fmt in formats},
        "per_stack": per_stack,
    }
    with open(os.path.join(out, "expected.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    return doc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of stacks")
    ap.add_argument("out", help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default=",".join(FORMATS))
    a = ap.parse_args()
    formats = [f for f in a.formats.split(",") if f]
    for f in formats:
        if f not in FORMATS:
            ap.error(f"unknown format {f!r}")
    doc = write_corpus(a.n, a.out, a.seed, formats)
    total = {fmt: sum(v.values()) for fmt, v in doc["findings"].items()}
    print(f"wrote {a.n} stacks to {a.out}: bytes {doc['bytes']}, findings {total}")


if __name__ == "__main__":
    main()
