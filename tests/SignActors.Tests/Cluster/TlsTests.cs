using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using SignActors.Runtime.Cluster;
using SignActors.Runtime.Cluster.Tls;
using SignActors.Tests.Host;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>Mutual TLS's parts without a cluster: the peer check, loading, the settings' rules, `signactors certs`, the probe.</summary>
[Collection("host-runs")]
public class TlsTests
{
    static readonly TestCertificates.Set Certs = TestCertificates.Files;

    static X509Certificate2 Load(string pem) => X509CertificateLoader.LoadCertificateFromFile(pem);
    static X509Certificate2 Pair((string Cert, string Key) pair) => X509Certificate2.CreateFromPemFile(pair.Cert, pair.Key);

    [Fact]
    public void A_peer_is_accepted_only_with_a_current_certificate_that_chains_to_the_clusters_own_CA()
    {
        using var ca = Load(Certs.Ca);
        var now = DateTime.UtcNow;
        Assert.Null(PeerCertificates.Check(Load(Certs.Host.Cert), ca, now));
        Assert.Equal("it presented no certificate", PeerCertificates.Check(null, ca, now));
        Assert.StartsWith("its certificate (CN=expired) expired on ", PeerCertificates.Check(Load(Certs.Expired.Cert), ca, now));
        Assert.StartsWith("its certificate (CN=future) is not valid before ", PeerCertificates.Check(Load(Certs.NotYetValid.Cert), ca, now));
        Assert.StartsWith("its certificate (CN=other-host, issued by CN=another CA) does not chain to this cluster's CA (CN=test cluster CA)",
            PeerCertificates.Check(Load(Certs.OtherHost.Cert), ca, now));
        // The machine's store plays no part: the other CA's own certificate is no root here either.
        Assert.NotNull(PeerCertificates.Check(Load(Certs.OtherCa), ca, now));
        // A self-signed impostor that copies the CA's name is not the CA.
        var now2 = DateTimeOffset.UtcNow;
        using var impostor = CertificateAuthority.CreateCa("test cluster CA", now2.AddDays(-1), now2.AddDays(1));
        using var forged = CertificateAuthority.Issue(impostor, "host", ["localhost"], now2.AddDays(-1), now2.AddDays(1));
        Assert.Contains("does not chain to this cluster's CA", PeerCertificates.Check(forged, ca, now));
        // The host certificate is good for 10 days from yesterday: in 12 days it has expired.
        Assert.StartsWith("its certificate (CN=host) expired on ", PeerCertificates.Check(Load(Certs.Host.Cert), ca, now.AddDays(12)));
    }

    static Config Cluster(string body) => ConfigurationFactory.ParseString($"signactors.cluster {{ {body} }}")
        .WithFallback(ConfigurationFactory.ParseString(SignActors.Runtime.Configuration.RunConfig.ReadResource("SignActors.reference.conf")));

    static string Tls((string Cert, string Key) pair, string ca, string enabled = "auto") => $"tls {{ enabled = {enabled}, ca = \"{ca}\", certificate = \"{pair.Cert}\", key = \"{pair.Key}\" }}";

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.4.5.6", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("localhost", true)]
    [InlineData("LocalHost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("+", false)]
    [InlineData("10.77.0.1", false)]
    [InlineData("n01", false)]
    [InlineData("::", false)]
    public void Loopback_is_127_0_0_0_8_the_IPv6_loopback_and_localhost(string hostname, bool loopback) =>
        Assert.Equal(loopback, TlsSettings.IsLoopback(hostname));

    [Fact]
    public void Beyond_loopback_TLS_is_on_by_default_and_off_only_when_insecure_is_said()
    {
        var auto = ClusterSettings.Read(Cluster($"hostname = \"10.77.0.1\", {Tls(Certs.Host, Certs.Ca)}"));
        Assert.NotNull(auto.Tls);
        Assert.Equal("akka.ssl.tcp", auto.Scheme);
        Assert.Equal(new[] { "akka.ssl.tcp://signactors@127.0.0.1:4053" }, auto.SeedNodes); // the listed akka.tcp seed follows the host's TLS
        var remoting = auto.Remoting();
        Assert.True(remoting.EnableSsl);
        Assert.True(remoting.Ssl.RequireMutualAuthentication);
        Assert.False(remoting.Ssl.ValidateCertificateHostname);
        Assert.NotNull(remoting.Ssl.CustomValidator);

        Assert.Null(ClusterSettings.Read(Cluster(Tls(Certs.Host, Certs.Ca))).Tls);           // loopback: off under auto
        Assert.NotNull(ClusterSettings.Read(Cluster(Tls(Certs.Host, Certs.Ca, "on"))).Tls);  // unless asked for
        Assert.False(ClusterSettings.Read(Cluster("")).Remoting().EnableSsl ?? false);

        var refusal = Assert.Throws<ConfigurationException>(() => ClusterSettings.Read(Cluster("hostname = \"0.0.0.0\", tls.enabled = off"))).Message;
        Assert.StartsWith("signactors.cluster.tls: this host listens on 0.0.0.0, beyond loopback, with TLS off", refusal);
        Assert.Contains("cluster.insecure = on", refusal);
        Assert.DoesNotContain('\n', refusal);
        var insecure = ClusterSettings.Read(Cluster("hostname = \"0.0.0.0\", tls.enabled = off, insecure = on"));
        Assert.Null(insecure.Tls);
        Assert.StartsWith("cluster.insecure = on: 0.0.0.0 is beyond loopback and TLS is off", insecure.InsecureWarning);
        Assert.Null(ClusterSettings.Read(Cluster("")).InsecureWarning);
    }

    [Theory]
    [InlineData("hostname = \"n01\"", "signactors.cluster.tls.ca is not set: TLS needs ca, certificate and key")]
    [InlineData("hostname = \"n01\", tls { ca = \"/nonexistent/ca.pem\", certificate = \"x\", key = \"y\" }", "signactors.cluster.tls.ca: /nonexistent/ca.pem does not exist")]
    [InlineData("tls.enabled = maybe", "signactors.cluster.tls.enabled = \"maybe\" is not one of: auto, on, off")]
    [InlineData("insecure = perhaps", "signactors.cluster.insecure = \"perhaps\" is not one of on, off")]
    public void A_wrong_TLS_setting_is_one_line_naming_it(string body, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterSettings.Read(Cluster(body))).Message;
        Assert.StartsWith(message, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void A_host_whose_own_certificate_every_peer_would_refuse_stops_before_it_listens()
    {
        string Error(string tls) => Assert.Throws<ConfigurationException>(() => ClusterSettings.Read(Cluster($"hostname = \"n01\", {tls}"))).Message;
        Assert.StartsWith("signactors.cluster.tls.certificate: every peer would refuse this host: its certificate (CN=expired) expired on ", Error(Tls(Certs.Expired, Certs.Ca)));
        Assert.StartsWith("signactors.cluster.tls.certificate: every peer would refuse this host: its certificate (CN=other-host, issued by CN=another CA) does not chain",
            Error(Tls(Certs.OtherHost, Certs.Ca)));
        Assert.StartsWith($"signactors.cluster.tls.certificate / key: {Certs.Host.Cert} with {Certs.OtherHost.Key} is not a PEM certificate and its private key",
            Error(Tls((Certs.Host.Cert, Certs.OtherHost.Key), Certs.Ca)));
        Assert.StartsWith($"signactors.cluster.tls.ca: {Certs.Host.Key} is not a certificate", Error(Tls(Certs.Host, Certs.Host.Key)));
    }

    [Fact]
    public void Certs_makes_a_CA_and_host_certificates_that_peers_accept_and_reuses_the_CA()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"signactors-certs-cmd-{Guid.NewGuid():N}");
        var (code, output, error) = CommandTests.Run("certs", "--out", folder, "--hosts", "n01,10.77.0.11");
        Assert.True(code == 0, error);
        Assert.Contains("made a CA: ", output);
        var (again, output2, error2) = CommandTests.Run("certs", "--out", folder, "--name", "worker");
        Assert.True(again == 0, error2);
        Assert.StartsWith("using the CA in ", output2);

        using var ca = Load(Path.Combine(folder, "ca.pem"));
        Assert.Matches("^CN=SignActors cluster CA [0-9a-f]{8}$", ca.Subject);
        foreach (var name in new[] { "host", "worker" })
        {
            using var cert = X509Certificate2.CreateFromPemFile(Path.Combine(folder, name + ".pem"), Path.Combine(folder, name + ".key"));
            Assert.True(cert.HasPrivateKey);
            Assert.Null(PeerCertificates.Check(cert, ca, DateTime.UtcNow));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, name + ".key")));
        }
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "ca.key")));
        using var host = Load(Path.Combine(folder, "host.pem"));
        string names = host.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false);
        Assert.Contains("n01", names);
        Assert.Contains("10.77.0.11", names);
        // The host certificate ends within its 365 days; the CA outlives it.
        Assert.InRange((host.NotAfter - DateTime.Now).TotalDays, 364, 366);
        Assert.True(ca.NotAfter > host.NotAfter);

        File.Delete(Path.Combine(folder, "ca.key"));
        var (half, _, halfError) = CommandTests.Run("certs", "--out", folder);
        Assert.Equal(2, half);
        Assert.StartsWith($"signactors: --out: {folder} holds one of ca.pem and ca.key but not the other", halfError.Trim());
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void One_notice_per_key_a_minute_with_how_many_were_held_back()
    {
        var throttle = new NoticeThrottle<string>(TimeSpan.FromMinutes(1));
        var t0 = new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal((true, 0), throttle.Offer("127.0.0.2", t0));
        Assert.Equal((false, 0), throttle.Offer("127.0.0.2", t0.AddSeconds(1)));
        Assert.Equal((false, 0), throttle.Offer("127.0.0.2", t0.AddSeconds(59)));
        Assert.Equal((true, 0), throttle.Offer("127.0.0.3", t0.AddSeconds(59)));       // another address: its own minute
        Assert.Equal((true, 2), throttle.Offer("127.0.0.2", t0.AddSeconds(60)));       // two held back since
        Assert.Equal((false, 0), throttle.Offer("127.0.0.2", t0.AddSeconds(61)));
    }

    [Theory]
    [InlineData("[::ffff:127.0.0.1]:40312", "127.0.0.1:40312", "127.0.0.1")]
    [InlineData("127.0.0.2:5", "127.0.0.2:5", "127.0.0.2")]
    [InlineData("[::1]:4053", "[::1]:4053", "::1")]
    [InlineData("akka.ssl.tcp://signactors@10.77.0.1:4053", "10.77.0.1:4053", "10.77.0.1")]
    [InlineData("ssl.tcp://signactors@n01:4053", "n01:4053", "n01")]
    public void Peers_are_named_by_endpoint_and_counted_by_address(string peer, string endpoint, string host)
    {
        Assert.Equal(endpoint, TlsRefusals.Endpoint(peer));
        Assert.Equal(host, TlsRefusals.Host(TlsRefusals.Endpoint(peer)));
    }

    [Fact]
    public void The_validator_refuses_with_a_reason_kept_for_the_one_line_inbound_and_outbound()
    {
        var identity = new HostCertificate(Load(Certs.Ca), Pair(Certs.Host));
        var refusals = new TlsRefusals(identity);
        var validator = refusals.Validator;
        Assert.True(validator(Load(Certs.Host.Cert), null, "[::ffff:127.0.0.1]:1000", SslPolicyErrors.RemoteCertificateChainErrors, null!));
        Assert.False(validator(Load(Certs.Expired.Cert), null, "[::ffff:127.0.0.1]:1001", SslPolicyErrors.None, null!));
        Assert.StartsWith("its certificate (CN=expired) expired on ", refusals.TakeInbound("127.0.0.1:1001"));
        Assert.Null(refusals.TakeInbound("127.0.0.1:1001")); // taken once
        Assert.Null(refusals.Outbound);
        Assert.False(validator(Load(Certs.OtherHost.Cert), null, "ssl.tcp://signactors@127.0.0.1:4053", SslPolicyErrors.None, null!));
        Assert.StartsWith("the peer at 127.0.0.1:4053: its certificate (CN=other-host, issued by CN=another CA) does not chain", refusals.Outbound);
    }

    [Fact]
    public async Task A_failed_join_that_this_hosts_check_did_not_explain_is_explained_by_the_peers_certificate()
    {
        // Under TLS 1.3 the server may refuse this host before this host's own check of the server runs.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var otherCert = Pair(Certs.OtherHost);
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var tls = new SslStream(client.GetStream());
            try { await tls.AuthenticateAsServerAsync(otherCert); } catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        });
        var settings = ClusterSettings.Read(Cluster($"seed-nodes = [\"akka.tcp://signactors@127.0.0.1:{port}\"], {Tls(Certs.Host, Certs.Ca, "on")}"));
        var refusals = new TlsRefusals(settings.Tls!);
        refusals.NoteOutbound($"127.0.0.1:{port}", "the TLS handshake failed (the remote party sent a TLS alert)");
        Assert.StartsWith($"the peer at 127.0.0.1:{port}: its certificate (CN=other-host, issued by CN=another CA) does not chain to this cluster's CA", ClusterHosts.WhyRefused(settings, refusals));
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_probe_tells_a_TLS_listener_from_a_plain_one()
    {
        using var tlsListener = new TcpListener(IPAddress.Loopback, 0);
        tlsListener.Start();
        using var serverCert = Pair(Certs.Host);
        var serving = Task.Run(async () =>
        {
            using var client = await tlsListener.AcceptTcpClientAsync();
            using var tls = new SslStream(client.GetStream());
            try { await tls.AuthenticateAsServerAsync(serverCert); } catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        });
        Assert.True(TlsProbe.SpeaksTls("127.0.0.1", ((IPEndPoint)tlsListener.LocalEndpoint).Port, TimeSpan.FromSeconds(5)));
        await serving.WaitAsync(TimeSpan.FromSeconds(5));

        using var plain = new TcpListener(IPAddress.Loopback, 0);
        plain.Start();
        var closing = Task.Run(async () => { using var c = await plain.AcceptTcpClientAsync(); await c.GetStream().WriteAsync(new byte[] { 0x31, 0, 0, 0, 1 }); });
        Assert.False(TlsProbe.SpeaksTls("127.0.0.1", ((IPEndPoint)plain.LocalEndpoint).Port, TimeSpan.FromSeconds(5)));
        await closing.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(TlsProbe.SpeaksTls("127.0.0.1", Loopback.FreePort(), TimeSpan.FromSeconds(2))); // nobody listens
    }
}
