/* The network option parsers (--network, --add-host, --dns*) and the generated resolv.conf / hosts / hostname. */
#include "net/files.h"
#include "spec/parse.h"
#include "spec/spec.h"
#include "unit.h"

static void network_modes_and_slirp_options(void)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        spec_init(&spec);
        CHECK(spec.network == SPEC_NETWORK_SLIRP && spec.slirp.mtu == 65520 && spec.slirp.prefix == 24);
        CHECK(spec.slirp.ipv6 && !spec.slirp.allow_host_loopback);
        CHECK_OK(parse_network("none", &spec.network, &spec.slirp, &err), &err);
        CHECK(spec.network == SPEC_NETWORK_NONE);
        CHECK_OK(parse_network("host", &spec.network, &spec.slirp, &err), &err);
        CHECK(spec.network == SPEC_NETWORK_HOST);
        CHECK_OK(parse_network("slirp4netns:mtu=1500,cidr=10.5.0.0/16,enable_ipv6=false,allow_host_loopback=true,"
                               "outbound_addr=127.0.0.1,outbound_addr6=::1",
                               &spec.network, &spec.slirp, &err),
                 &err);
        CHECK(spec.network == SPEC_NETWORK_SLIRP && spec.slirp.mtu == 1500 && spec.slirp.network == 0x0a050000);
        CHECK(spec.slirp.prefix == 16 && !spec.slirp.ipv6 && spec.slirp.allow_host_loopback);
        CHECK_STREQ(spec.slirp.outbound_addr, "127.0.0.1");
        CHECK_STREQ(spec.slirp.outbound_addr6, "::1");

        CHECK_ERROR(parse_network("bridge", &spec.network, &spec.slirp, &err), &err, "expected slirp[:OPTIONS]");
        CHECK_ERROR(parse_network("slirp:", &spec.network, &spec.slirp, &err), &err, "empty option list");
        CHECK_ERROR(parse_network("slirp:,", &spec.network, &spec.slirp, &err), &err, "empty option");
        CHECK_ERROR(parse_network("slirp:mtu=1500,,cidr=10.0.0.0/24", &spec.network, &spec.slirp, &err), &err,
                    "empty option");
        CHECK_ERROR(parse_network("slirp:mtu", &spec.network, &spec.slirp, &err), &err, "needs a value");
        CHECK_ERROR(parse_network("slirp:mtu=99999", &spec.network, &spec.slirp, &err), &err, "1280 to 65520");
        CHECK_ERROR(parse_network("slirp:mtu=1x", &spec.network, &spec.slirp, &err), &err, "1280 to 65520");
        CHECK_ERROR(parse_network("slirp:cidr=10.0.2.0/26", &spec.network, &spec.slirp, &err), &err, "1 to 25");
        CHECK_ERROR(parse_network("slirp:cidr=10.0.2.1/24", &spec.network, &spec.slirp, &err), &err, "host bits");
        CHECK_ERROR(parse_network("slirp:cidr=10.0.2.0", &spec.network, &spec.slirp, &err), &err, "cidr must be");
        CHECK_ERROR(parse_network("slirp:enable_ipv6=maybe", &spec.network, &spec.slirp, &err), &err, "true or false");
        CHECK_ERROR(parse_network("slirp:outbound_addr=::1", &spec.network, &spec.slirp, &err), &err, "IPv4");
        CHECK_ERROR(parse_network("slirp:port_handler=rootlesskit", &spec.network, &spec.slirp, &err), &err,
                    "unknown option");
        spec_clear(&spec);
}

static void hosts_and_dns_options(void)
{
        strv out = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_add_host("db:10.1.2.3", &out, &err), &err);
        CHECK_OK(parse_add_host("v6:fd00::5", &out, &err), &err);
        CHECK_OK(parse_add_host("gw=host-gateway", &out, &err), &err);
        CHECK_OK(parse_add_host("b:[::1]", &out, &err), &err);
        CHECK(out.len == 4);
        CHECK_STREQ(out.items[0], "10.1.2.3 db");
        CHECK_STREQ(out.items[1], "fd00::5 v6");
        CHECK_STREQ(out.items[2], "host-gateway gw");
        CHECK_STREQ(out.items[3], "::1 b");
        CHECK_ERROR(parse_add_host("nocolon", &out, &err), &err, "expected NAME:IP");
        CHECK_ERROR(parse_add_host(":1.2.3.4", &out, &err), &err, "is not a host name");
        CHECK_ERROR(parse_add_host("a b:1.2.3.4", &out, &err), &err, "is not a host name");
        CHECK_ERROR(parse_add_host("db:999.1.1.1", &out, &err), &err, "is not an IP address");
        CHECK_ERROR(parse_add_host("db:1.2.3.4\nevil", &out, &err), &err, "is not an IP address");
        CHECK(out.len == 4);
        strv_clear(&out);

        CHECK_OK(parse_dns("1.1.1.1", &out, &err), &err);
        CHECK_ERROR(parse_dns("one", &out, &err), &err, "not an IP address");
        CHECK_OK(parse_dns_search("example.org", &out, &err), &err);
        CHECK_OK(parse_dns_search(".", &out, &err), &err);
        CHECK_ERROR(parse_dns_search("a b", &out, &err), &err, "not a domain name");
        CHECK_OK(parse_dns_option("ndots:2", &out, &err), &err);
        CHECK_ERROR(parse_dns_option("ndots:2 x", &out, &err), &err, "no spaces");
        CHECK_ERROR(parse_dns_option("", &out, &err), &err, "no spaces");
        CHECK(out.len == 4);
        strv_clear(&out);
}

static void generated_files(void)
{
        static const char host_resolv[] = "# generated\nnameserver 127.0.0.53\nsearch corp.example lan\n"
                                          "options edns0 trust-ad\n";
        struct burrow_spec spec;
        struct net_files f = {0};

        CHECK_STREQ(net_host_resolv_conf_path(host_resolv), "/run/systemd/resolve/resolv.conf");
        CHECK_STREQ(net_host_resolv_conf_path("nameserver 10.0.0.1\nnameserver 127.0.0.53\n"), "/etc/resolv.conf");
        CHECK_STREQ(net_host_resolv_conf_path(""), "/etc/resolv.conf");
        CHECK_STREQ(net_host_resolv_conf_path(NULL), "/etc/resolv.conf");

        spec_init(&spec);
        net_files_build(&spec, "box", host_resolv, NULL, &f);
        CHECK_STREQ(f.resolv_conf, "nameserver 10.0.2.3\nsearch corp.example lan\noptions edns0 trust-ad\n");
        CHECK_STREQ(f.hosts, "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                             "10.0.2.100\tbox\n");
        CHECK_STREQ(f.hostname, "box\n");
        net_files_clear(&f);

        spec.slirp.allow_host_loopback = true;
        spec.slirp.network = 0x0a050000;
        strv_push(&spec.dns, "192.0.2.1");
        strv_push(&spec.dns_search, "a.example");
        strv_push(&spec.dns_options, "ndots:2");
        strv_push(&spec.add_hosts, "host-gateway gw");
        strv_push(&spec.add_hosts, "10.9.9.9 db");
        net_files_build(&spec, "box", host_resolv, NULL, &f);
        CHECK_STREQ(f.resolv_conf, "nameserver 192.0.2.1\nsearch a.example\noptions ndots:2\n");
        CHECK(strstr(f.hosts, "10.5.0.100\tbox\n") != NULL);
        CHECK(strstr(f.hosts, "10.5.0.2\thost.containers.internal host.docker.internal\n") != NULL);
        CHECK(strstr(f.hosts, "10.5.0.2\tgw\n") != NULL);
        CHECK(strstr(f.hosts, "10.9.9.9\tdb\n") != NULL);
        net_files_clear(&f);

        /* none: the image's resolv.conf stays unless asked; host: the host's servers and hosts file. */
        strv_clear(&spec.dns);
        strv_clear(&spec.dns_search);
        strv_clear(&spec.dns_options);
        strv_clear(&spec.add_hosts);
        spec.network = SPEC_NETWORK_NONE;
        net_files_build(&spec, "box", host_resolv, NULL, &f);
        CHECK(f.resolv_conf == NULL);
        CHECK(strstr(f.hosts, "127.0.1.1\tbox\n") != NULL && strstr(f.hosts, "host.containers") == NULL);
        net_files_clear(&f);
        spec.network = SPEC_NETWORK_HOST;
        net_files_build(&spec, "box", host_resolv, "127.0.0.1 localhost\n10.1.1.1 printer", &f);
        CHECK_STREQ(f.resolv_conf, "nameserver 127.0.0.53\nsearch corp.example lan\noptions edns0 trust-ad\n");
        CHECK_STREQ(f.hosts, "127.0.0.1 localhost\n10.1.1.1 printer\n");
        net_files_clear(&f);
        spec_clear(&spec);
}

int main(void)
{
        RUN(network_modes_and_slirp_options);
        RUN(hosts_and_dns_options);
        RUN(generated_files);
        return unit_finish();
}
