using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// Whether a host that a worker without TLS cannot join speaks TLS: a TLS server drops Akka's
/// plain frames without a word, so the worker would only wait. The probe starts a handshake and
/// stops as soon as the peer shows a certificate (it never completes one).
/// </summary>
public static class TlsProbe
{
    public static bool SpeaksTls(string host, int port, TimeSpan timeout) => Certificate(host, port, timeout) is not null;

    /// <summary>The certificate a TLS host shows, or null when it shows none (no TLS, nobody listening).</summary>
    public static X509Certificate2? Certificate(string host, int port, TimeSpan timeout)
    {
        X509Certificate2? shown = null;
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var client = new TcpClient();
            client.ConnectAsync(host, port, cancel.Token).AsTask().GetAwaiter().GetResult();
            using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is not null) shown = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return false;
                },
            };
            tls.AuthenticateAsClientAsync(options, cancel.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException) { }
        return shown;
    }
}
