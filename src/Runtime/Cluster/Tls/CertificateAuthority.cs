using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// A cluster's own certificate authority, made with .NET's CertificateRequest (no openssl): a CA
/// that signs host certificates usable as TLS server and client. ECDSA P-256 keys; host names only
/// fill the subject alternative names (peers check the chain, not names).
/// </summary>
public static class CertificateAuthority
{
    public const string CaFile = "ca.pem", CaKeyFile = "ca.key";

    public static X509Certificate2 CreateCa(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A host certificate signed by <paramref name="ca"/> (which must hold its private key), with its own private key.</summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, string name, IEnumerable<string> hosts, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client auth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
            if (IPAddress.TryParse(host, out var ip)) names.AddIpAddress(ip);
            else names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        // Within the CA's own validity: a chain is valid only while every link is.
        var start = notBefore > ca.NotBefore ? notBefore : new DateTimeOffset(ca.NotBefore);
        var end = notAfter < ca.NotAfter ? notAfter : new DateTimeOffset(ca.NotAfter);
        using var signed = request.Create(ca, start, end, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// `signactors certs`: a CA in <paramref name="directory"/> (made once, reused when ca.pem and
    /// ca.key are there) and one host certificate <c>NAME.pem</c> / <c>NAME.key</c> signed by it.
    /// </summary>
    /// <returns>Lines saying what was written.</returns>
    public static IReadOnlyList<string> Write(string directory, string name, IReadOnlyList<string> hosts, int days, DateTimeOffset now)
    {
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name == "ca")
            throw new ConfigurationException($"--name: \"{name}\" cannot name a certificate file (and \"ca\" is the authority's own)");
        Directory.CreateDirectory(directory);
        string caPath = Path.Combine(directory, CaFile), caKeyPath = Path.Combine(directory, CaKeyFile);
        var lines = new List<string>();
        X509Certificate2 ca;
        if (File.Exists(caPath) && File.Exists(caKeyPath))
        {
            try { ca = X509Certificate2.CreateFromPemFile(caPath, caKeyPath); }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new ConfigurationException($"--out: {caPath} with {caKeyPath} is not a CA certificate and its key ({e.Message.Trim()})");
            }
            lines.Add($"using the CA in {caPath} ({ca.Subject}, valid until {ca.NotAfter.ToUniversalTime():yyyy-MM-dd})");
        }
        else if (File.Exists(caPath) || File.Exists(caKeyPath))
            throw new ConfigurationException($"--out: {directory} holds one of {CaFile} and {CaKeyFile} but not the other; give a new folder, or both files");
        else
        {
            // The CA outlives its host certificates, so a host certificate can be renewed under it.
            // A name of its own, so that two clusters' CAs are told apart in every refusal.
            ca = CreateCa($"SignActors cluster CA {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}", now.AddHours(-1), now.AddDays(2 * days));
            WritePem(caPath, ca.ExportCertificatePem(), secret: false);
            WritePem(caKeyPath, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            lines.Add($"made a CA: {caPath} (give it to every host as tls.ca) and {caKeyPath} (keep it here: it signs host certificates)");
        }
        string certPath = Path.Combine(directory, name + ".pem"), keyPath = Path.Combine(directory, name + ".key");
        using var host = Issue(ca, $"signactors {name}", hosts.Count > 0 ? hosts : ["localhost", "127.0.0.1"], now.AddHours(-1), now.AddDays(days));
        WritePem(certPath, host.ExportCertificatePem(), secret: false);
        WritePem(keyPath, host.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
        lines.Add($"made a host certificate valid until {host.NotAfter.ToUniversalTime():yyyy-MM-dd}: {certPath} (tls.certificate) and {keyPath} (tls.key); one pair may serve every host");
        ca.Dispose();
        return lines;
    }

    static void WritePem(string path, string pem, bool secret)
    {
        // A key is readable by its owner only from the moment it exists.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(pem + "\n");
    }
}
