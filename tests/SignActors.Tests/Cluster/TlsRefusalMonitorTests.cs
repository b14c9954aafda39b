using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.TestKit.Xunit2;
using SignActors.Runtime.Cluster.Tls;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>
/// The console's account of refused TLS connections, from Akka.Remote's log events as the DotNetty
/// transport writes them: one line a minute per remote address, naming the reason.
/// </summary>
public class TlsRefusalMonitorTests : TestKit
{
    const string Server = "Akka.Remote.Transport.DotNetty.TcpServerHandler", Client = "Akka.Remote.Transport.DotNetty.TcpClientHandler";

    static TlsRefusals Refusals()
    {
        var certs = TestCertificates.Files;
        return new TlsRefusals(new HostCertificate(X509CertificateLoader.LoadCertificateFromFile(certs.Ca), X509Certificate2.CreateFromPemFile(certs.Host.Cert, certs.Host.Key)));
    }

    /// <summary>Starts the monitor and returns once it has subscribed (PreStart runs before its first message).</summary>
    void Monitor(TlsRefusals refusals)
    {
        Sys.ActorOf(TlsRefusalMonitor.Props(refusals), "tls").Tell(new Akka.Actor.Identify(1), TestActor);
        ExpectMsg<Akka.Actor.ActorIdentity>();
    }

    void Failed(string source, string from, string to, Exception cause) =>
        Sys.EventStream.Publish(new Error(cause, source, typeof(TlsRefusalMonitorTests), $"TLS handshake failed on channel [{from}->{to}](Id=5e1f)\nTLS handshake failed (Server side):\n  Error: {cause.Message}"));

    [Fact]
    public void A_refused_connection_is_one_line_naming_why_and_an_address_is_heard_once_a_minute()
    {
        var refusals = Refusals();
        Monitor(refusals);
        EventFilter.Warning(start: "refused a TLS connection from 127.0.0.2:1000: it presented no certificate").ExpectOne(() =>
        {
            Sys.EventStream.Publish(new Warning(Server, typeof(TlsRefusalMonitorTests), "Mutual TLS required but client did not provide a certificate from [::ffff:127.0.0.2]:1000"));
            Failed(Server, "[::ffff:127.0.0.1]:4053", "[::ffff:127.0.0.2]:1000", new AuthenticationException("The remote certificate was rejected by the provided RemoteCertificateValidationCallback."));
        });
        EventFilter.Warning(start: "refused a TLS connection").Expect(0, TimeSpan.FromMilliseconds(300), () =>
            Failed(Server, "[::ffff:127.0.0.1]:4053", "[::ffff:127.0.0.2]:1001", new IOException("not an SSL/TLS record")));
        EventFilter.Warning(start: "refused a TLS connection from 127.0.0.3:7: the TLS handshake failed (Received an unexpected EOF)").ExpectOne(() =>
            Failed(Server, "[::ffff:127.0.0.1]:4053", "[::ffff:127.0.0.3]:7", new AggregateException(new IOException("Received an unexpected EOF"))));
        Assert.Null(refusals.Outbound);
    }

    [Fact]
    public void A_failed_outbound_handshake_is_kept_as_the_hosts_one_line()
    {
        var refusals = Refusals();
        Monitor(refusals);
        Failed(Client, "[::ffff:127.0.0.1]:5555", "[::ffff:127.0.0.1]:4053", new AuthenticationException("Authentication failed because the remote party sent a TLS alert: 'BadCertificate'."));
        AwaitCondition(() => refusals.Outbound is not null);
        Assert.Equal("the peer at 127.0.0.1:4053 refused this host or speaks no TLS: the TLS handshake failed (Authentication failed because the remote party sent a TLS alert: 'BadCertificate'.)", refusals.Outbound);
    }
}
