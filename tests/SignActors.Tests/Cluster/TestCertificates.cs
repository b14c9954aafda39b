using System.Security.Cryptography.X509Certificates;
using SignActors.Runtime.Cluster.Tls;

namespace SignActors.Tests.Cluster;

/// <summary>
/// Certificates for the TLS tests, made once per test run with the production CA code: the
/// cluster's CA with a valid host certificate, an expired one and one not yet valid, and a second,
/// unrelated CA with its own host certificate. PEM files in a temporary folder.
/// </summary>
public static class TestCertificates
{
    static readonly Lazy<Set> Made = new(Make);

    public static Set Files => Made.Value;

    /// <summary>PEM paths: the cluster's CA, and host certificate / key pairs.</summary>
    public sealed record Set(string Folder, string Ca, (string Cert, string Key) Host, (string Cert, string Key) Expired, (string Cert, string Key) NotYetValid,
        string OtherCa, (string Cert, string Key) OtherHost)
    {
        /// <summary>The `cluster.tls` section for a host holding <paramref name="pair"/> and trusting <paramref name="ca"/>.</summary>
        public static string Section((string Cert, string Key) pair, string ca, string enabled = "on") =>
            $$"""cluster.tls { enabled = {{enabled}}, ca = "{{ca}}", certificate = "{{pair.Cert}}", key = "{{pair.Key}}" }""";
    }

    static Set Make()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"signactors-certs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.CreateCa("test cluster CA", now.AddDays(-30), now.AddDays(30));
        using var other = CertificateAuthority.CreateCa("another CA", now.AddDays(-30), now.AddDays(30));
        (string, string) Host(X509Certificate2 issuer, string name, DateTimeOffset from, DateTimeOffset to)
        {
            using var cert = CertificateAuthority.Issue(issuer, name, ["localhost", "127.0.0.1"], from, to);
            return Write(folder, name, cert);
        }
        return new Set(folder, WriteCa(folder, "ca", ca), Host(ca, "host", now.AddDays(-1), now.AddDays(10)),
            Host(ca, "expired", now.AddDays(-10), now.AddDays(-2)), Host(ca, "future", now.AddDays(2), now.AddDays(10)),
            WriteCa(folder, "other-ca", other), Host(other, "other-host", now.AddDays(-1), now.AddDays(10)));
    }

    static string WriteCa(string folder, string name, X509Certificate2 ca)
    {
        string path = Path.Combine(folder, name + ".pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    static (string, string) Write(string folder, string name, X509Certificate2 cert)
    {
        string certPath = Path.Combine(folder, name + ".pem"), keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
