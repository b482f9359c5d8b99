"""CloudFormation twin of a generated stack: YAML with short-form intrinsic tags."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass


@dataclass
class Tag:
    """A short-form intrinsic: !Ref, !GetAtt, !Sub, !Select, !GetAZs."""

    tag: str
    value: object


def Ref(x):
    return Tag("!Ref", x)


def GetAtt(x):
    return Tag("!GetAtt", x)


def Sub(x):
    return Tag("!Sub", x)


def AZ(k):
    return Tag("!Select", [k, Tag("!GetAZs", "")])


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/:* ]*$")
_RESERVED = re.compile(
    r"^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|"
    r"0x[0-9a-fA-F]+|0o[0-7]+|\d{4}-\d\d-\d\d.*)$",
    re.IGNORECASE,
)


def scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if v is None:
        return "null"
    s = str(v)
    if _PLAIN.match(s) and not _RESERVED.match(s) and ": " not in s and not s.endswith((":", " ")):
        return s
    return json.dumps(s)


def _flow(v) -> str | None:
    """A one-line rendering for tags and short lists of scalars, else None."""
    if isinstance(v, Tag):
        inner = _flow(v.value)
        return None if inner is None else f"{v.tag} {inner}"
    if isinstance(v, list):
        if any(isinstance(x, (dict, list)) for x in v):
            return None
        parts = [_flow(x) for x in v]
        if any(p is None for p in parts):
            return None
        text = "[" + ", ".join(parts) + "]"
        return text if len(text) < 60 else None
    if isinstance(v, dict):
        return None
    return scalar(v)


def emit(v, indent: int) -> list[str]:
    """Lines of a block-style value placed after `key:` (the caller adds the key)."""
    pad = "  " * indent
    out: list[str] = []
    if isinstance(v, dict):
        for k, x in v.items():
            flow = None if isinstance(x, list) and len(x) > 3 else _flow(x)
            if flow is not None:
                out.append(f"{pad}{k}: {flow}")
            else:
                out.append(f"{pad}{k}:")
                out.extend(emit(x, indent + 1))
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict):
                sub = emit(x, indent + 1)
                first = sub[0].lstrip()
                out.append(f"{pad}- {first}")
                out.extend(sub[1:])
            else:
                flow = _flow(x)
                if flow is None:
                    raise ValueError(f"cannot write {x!r}")
                out.append(f"{pad}- {flow}")
    else:
        out.append(pad + _flow(v))
    return out


def _tags(suffix: str) -> list:
    return [{"Key": "Name", "Value": Sub("${AWS::StackName}" + suffix)}]


def cfn_resources(st) -> dict:
    from gen_corpus import literal_password

    f = st.flags
    o = st.octet
    R: dict = {}

    def add(name, typ, props, **extra):
        R[name] = {"Type": typ, **extra, "Properties": props}

    add(
        "Vpc",
        "AWS::EC2::VPC",
        {"CidrBlock": st.vpc_cidr, "EnableDnsSupport": True, "EnableDnsHostnames": True, "Tags": _tags("-vpc")},
    )
    subnet_ids = {"private_a": "PrivateSubnetA", "private_b": "PrivateSubnetB", "private_c": "PrivateSubnetC"}
    for k, sn in enumerate(st.all_private_subnets()):
        add(
            subnet_ids[sn],
            "AWS::EC2::Subnet",
            {
                "VpcId": Ref("Vpc"),
                "CidrBlock": f"10.{o}.{10 + k}.0/24",
                "AvailabilityZone": AZ(k),
                "Tags": _tags("-" + sn.replace("_", "-")),
            },
        )
    if f.igw:
        add("InternetGateway", "AWS::EC2::InternetGateway", {"Tags": _tags("-igw")})
        add(
            "GatewayAttachment",
            "AWS::EC2::VPCGatewayAttachment",
            {"VpcId": Ref("Vpc"), "InternetGatewayId": Ref("InternetGateway")},
        )
        add(
            "PublicSubnet",
            "AWS::EC2::Subnet",
            {
                "VpcId": Ref("Vpc"),
                "CidrBlock": f"10.{o}.0.0/24",
                "AvailabilityZone": AZ(0),
                "MapPublicIpOnLaunch": True,
                "Tags": _tags("-public"),
            },
        )
        add("PublicRouteTable", "AWS::EC2::RouteTable", {"VpcId": Ref("Vpc"), "Tags": _tags("-public")})
        add(
            "PublicDefaultRoute",
            "AWS::EC2::Route",
            {"RouteTableId": Ref("PublicRouteTable"), "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": Ref("InternetGateway")},
            DependsOn="GatewayAttachment",
        )
        add(
            "PublicSubnetRouteTableAssociation",
            "AWS::EC2::SubnetRouteTableAssociation",
            {"SubnetId": Ref("PublicSubnet"), "RouteTableId": Ref("PublicRouteTable")},
        )
    if f.nat:
        add("NatEip", "AWS::EC2::EIP", {"Domain": "vpc"}, DependsOn="GatewayAttachment")
        add(
            "NatGateway",
            "AWS::EC2::NatGateway",
            {"AllocationId": GetAtt("NatEip.AllocationId"), "SubnetId": Ref("PublicSubnet"), "Tags": _tags("-nat")},
        )
    add("PrivateRouteTable", "AWS::EC2::RouteTable", {"VpcId": Ref("Vpc"), "Tags": _tags("-private")})
    add(
        "CorporateRoute",
        "AWS::EC2::Route",
        {"RouteTableId": Ref("PrivateRouteTable"), "DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": st.extra["tgw"]},
    )
    if f.nat:
        add(
            "PrivateDefaultRoute",
            "AWS::EC2::Route",
            {"RouteTableId": Ref("PrivateRouteTable"), "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": Ref("NatGateway")},
        )
    for sn in st.all_private_subnets():
        table = "PublicRouteTable" if (f.public_subnet and sn == "private_a") else "PrivateRouteTable"
        add(
            subnet_ids[sn] + "RouteTableAssociation",
            "AWS::EC2::SubnetRouteTableAssociation",
            {"SubnetId": Ref(subnet_ids[sn]), "RouteTableId": Ref(table)},
        )

    add("WarehouseNetworkAcl", "AWS::EC2::NetworkAcl", {"VpcId": Ref("Vpc"), "Tags": _tags("-redshift")})
    entries = [
        ("NaclIngressVpc", 100, -1, False, st.vpc_cidr, None),
        ("NaclIngressEphemeral", 200, 6, False, "0.0.0.0/0", (1024, 65535)),
        ("NaclEgressAll", 100, -1, True, st.vpc_cidr if f.nacl_blocks_s3 else "0.0.0.0/0", None),
    ]
    for name, num, proto, egress, cidr, ports in entries:
        props = {
            "NetworkAclId": Ref("WarehouseNetworkAcl"),
            "RuleNumber": num,
            "Protocol": proto,
            "RuleAction": "allow",
            "Egress": egress,
            "CidrBlock": cidr,
        }
        if ports:
            props["PortRange"] = {"From": ports[0], "To": ports[1]}
        add(name, "AWS::EC2::NetworkAclEntry", props)
    for sn in st.all_private_subnets():
        add(
            subnet_ids[sn] + "NetworkAclAssociation",
            "AWS::EC2::SubnetNetworkAclAssociation",
            {"SubnetId": Ref(subnet_ids[sn]), "NetworkAclId": Ref("WarehouseNetworkAcl")},
        )
    if not f.no_s3_endpoint:
        add(
            "S3Endpoint",
            "AWS::EC2::VPCEndpoint",
            {
                "VpcId": Ref("Vpc"),
                "ServiceName": Sub("com.amazonaws.${AWS::Region}.s3"),
                "VpcEndpointType": "Gateway",
                "RouteTableIds": [Ref("PrivateRouteTable")],
            },
        )

    ingress = {
        "Description": "Redshift clients",
        "IpProtocol": "tcp",
        "FromPort": 5439,
        "ToPort": 5439,
        "CidrIp": "0.0.0.0/0" if f.open_world else st.vpc_cidr,
    }
    port = 80 if f.no_egress_443 else 443
    egress = {
        "Description": "HTTP mirrors" if f.no_egress_443 else "AWS endpoints",
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "CidrIp": "0.0.0.0/0",
    }
    sg = {"GroupDescription": "Redshift warehouse access", "VpcId": Ref("Vpc")}
    if f.sg_style == 0:
        sg["SecurityGroupIngress"] = [ingress]
    # Only an inline SecurityGroupEgress replaces the default allow-all egress rule.
    if f.sg_style == 0 or f.no_egress_443:
        sg["SecurityGroupEgress"] = [egress]
    sg["Tags"] = _tags("-redshift")
    add("RedshiftSecurityGroup", "AWS::EC2::SecurityGroup", sg)
    if f.sg_style != 0:
        group = Ref("RedshiftSecurityGroup") if f.sg_style == 1 else GetAtt("RedshiftSecurityGroup.GroupId")
        add("RedshiftClientIngress", "AWS::EC2::SecurityGroupIngress", {"GroupId": group, **ingress})
        if not f.no_egress_443:
            add("RedshiftHttpsEgress", "AWS::EC2::SecurityGroupEgress", {"GroupId": group, **egress})

    principal: dict = {"Service": "redshift-serverless.amazonaws.com" if f.serverless else "redshift.amazonaws.com"}
    if f.bad_trust:
        principal["AWS"] = f"arn:aws:iam::{st.account}:root"
    statements: list = [
        {
            "Sid": "ReadLake",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": [GetAtt("LakeBucket.Arn"), Sub("${LakeBucket.Arn}/*")],
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
    document = {"Version": "2012-10-17", "Statement": statements}
    role = {
        "RoleName": Sub("${AWS::StackName}-spectrum"),
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        },
    }
    if not f.split_policy:
        role["Policies"] = [{"PolicyName": "spectrum-read", "PolicyDocument": document}]
    add("SpectrumRole", "AWS::IAM::Role", role)
    if f.split_policy:
        add(
            "SpectrumReadPolicy",
            "AWS::IAM::Policy",
            {"PolicyName": "spectrum-read", "Roles": [Ref("SpectrumRole")], "PolicyDocument": document},
        )
    bucket = {"BucketName": st.bucket}
    if not f.no_bucket_logging:
        bucket["LoggingConfiguration"] = {
            "DestinationBucketName": f"access-logs-{st.account}",
            "LogFilePrefix": st.bucket + "/",
        }
    bucket["Tags"] = _tags("-lake")
    add("LakeBucket", "AWS::S3::Bucket", bucket)
    if f.vpce_only_bucket:
        add(
            "LakeBucketPolicy",
            "AWS::S3::BucketPolicy",
            {
                "Bucket": Ref("LakeBucket"),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "OnlyThroughEndpoint",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [GetAtt("LakeBucket.Arn"), Sub("${LakeBucket.Arn}/*")],
                            "Condition": {"StringNotEquals": {"aws:SourceVpce": st.extra["vpce"]}},
                        }
                    ],
                },
            },
        )
    if not f.no_flow_log:
        add(
            "VpcFlowLog",
            "AWS::EC2::FlowLog",
            {
                "ResourceId": Ref("Vpc"),
                "ResourceType": "VPC",
                "TrafficType": "ALL",
                "LogDestinationType": "s3",
                "LogDestination": f"arn:aws:s3:::flow-logs-{st.account}",
            },
        )
    if f.trail_write_only:
        add(
            "DataTrail",
            "AWS::CloudTrail::Trail",
            {
                "IsLogging": True,
                "S3BucketName": f"trail-logs-{st.account}",
                "EventSelectors": [
                    {
                        "ReadWriteType": "WriteOnly",
                        "IncludeManagementEvents": True,
                        "DataResources": [{"Type": "AWS::S3::Object", "Values": [Sub("arn:aws:s3:::${LakeBucket}/")]}],
                    }
                ],
            },
        )

    warehouse_subnets = [Ref(subnet_ids[sn]) for sn in st.warehouse_subnets()]
    sgs = [GetAtt("RedshiftSecurityGroup.GroupId")]
    if f.serverless:
        add(
            "Namespace",
            "AWS::RedshiftServerless::Namespace",
            {
                "NamespaceName": st.name,
                "DbName": "analytics",
                "AdminUsername": "analytics_admin",
                **(
                    {"AdminUserPassword": literal_password(st)}
                    if f.literal_password
                    else {"ManageAdminPassword": True}
                ),
                "IamRoles": [GetAtt("SpectrumRole.Arn")],
                "DefaultIamRoleArn": GetAtt("SpectrumRole.Arn"),
                **({"LogExports": ["userlog", "connectionlog", "useractivitylog"]} if f.logs_exported else {}),
            },
        )
        wg = {
            "WorkgroupName": st.name,
            "NamespaceName": Ref("Namespace"),
            "BaseCapacity": 32,
            "SubnetIds": warehouse_subnets,
        }
        if not f.no_sg:
            wg["SecurityGroupIds"] = sgs
        wg["PubliclyAccessible"] = f.public
        wg["EnhancedVpcRouting"] = f.evr
        if f.ssl_off:
            wg["ConfigParameters"] = [{"ParameterKey": "require_ssl", "ParameterValue": "false"}]
        add("Workgroup", "AWS::RedshiftServerless::Workgroup", wg)
    else:
        if f.param_group:
            params = [{"ParameterName": "enable_user_activity_logging", "ParameterValue": "true"}]
            family = "redshift-2.0"
            if f.ssl_off and f.ssl_legacy_family:
                family = "redshift-1.0"
            else:
                params.insert(0, {"ParameterName": "require_ssl", "ParameterValue": "false" if f.ssl_off else "true"})
            add(
                "ClusterParameters",
                "AWS::Redshift::ClusterParameterGroup",
                {"Description": f"{st.name} parameters", "ParameterGroupFamily": family, "Parameters": params},
            )
        add(
            "ClusterSubnetGroup",
            "AWS::Redshift::ClusterSubnetGroup",
            {"Description": f"{st.name} private subnets", "SubnetIds": warehouse_subnets},
        )
        cluster: dict = {
            "ClusterIdentifier": st.name,
            "ClusterType": "multi-node" if st.nodes > 1 else "single-node",
            "NodeType": st.node_type,
        }
        if st.nodes > 1:
            cluster["NumberOfNodes"] = st.nodes
        cluster.update(
            {"DBName": "analytics", "MasterUsername": "analytics_admin", "Encrypted": True}
        )
        if f.literal_password:
            cluster["MasterUserPassword"] = literal_password(st)
        else:
            cluster["ManageMasterPassword"] = True
        if not f.no_subnet_group:
            cluster["ClusterSubnetGroupName"] = Ref("ClusterSubnetGroup")
        if not f.no_sg:
            cluster["VpcSecurityGroupIds"] = sgs
        if f.param_group:
            cluster["ClusterParameterGroupName"] = Ref("ClusterParameters")
        cluster["IamRoles"] = [GetAtt("SpectrumRole.Arn")]
        cluster["EnhancedVpcRouting"] = f.evr
        cluster["PubliclyAccessible"] = f.public
        if f.snapshots_kept:
            cluster["AutomatedSnapshotRetentionPeriod"] = 7
        if not f.no_audit_logging:
            cluster["LoggingProperties"] = {
                "LogDestinationType": "cloudwatch",
                "LogExports": ["connectionlog", "userlog", "useractivitylog"],
            }
        add("Cluster", "AWS::Redshift::Cluster", cluster)
    return R


def cfn_text(st) -> str:
    kind = "Serverless workgroup" if st.flags.serverless else "provisioned cluster"
    lines = [
        f"# {st.name}: Redshift {kind} stack (generated by bench/gen_corpus.py)",
        'AWSTemplateFormatVersion: "2010-09-09"',
        f"Description: {scalar(st.name + ' analytics warehouse')}",
        "",
        "Resources:",
    ]
    first = True
    for name, res in cfn_resources(st).items():
        if not first:
            lines.append("")
        first = False
        lines.append(f"  {name}:")
        lines.extend(emit(res, 2))
    return "\n".join(lines) + "\n"
