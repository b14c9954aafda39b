using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// This host's TLS identity: the cluster's CA (the one root its peers must chain to) and its own
/// certificate with the private key, loaded from PEM files and checked before anything listens —
/// a host whose own certificate every peer would refuse stops with one line saying why.
/// </summary>
public sealed record HostCertificate(X509Certificate2 Ca, X509Certificate2 Certificate)
{
    public static HostCertificate Load(TlsSettings settings, DateTime utcNow)
    {
        foreach (var (key, path) in new[] { ("ca", settings.Ca), ("certificate", settings.Certificate), ("key", settings.Key) })
        {
            if (path.Length == 0) throw new ConfigurationException($"{TlsSettings.Section}.{key} is not set: TLS needs ca, certificate and key (PEM files; `signactors certs --out DIR` makes them)");
            if (!File.Exists(path)) throw new ConfigurationException($"{TlsSettings.Section}.{key}: {path} does not exist");
        }
        X509Certificate2 ca, own;
        try { ca = X509CertificateLoader.LoadCertificateFromFile(settings.Ca); }
        catch (CryptographicException e) { throw new ConfigurationException($"{TlsSettings.Section}.ca: {settings.Ca} is not a certificate ({e.Message.Trim()})"); }
        try { own = X509Certificate2.CreateFromPemFile(settings.Certificate, settings.Key); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ConfigurationException($"{TlsSettings.Section}.certificate / key: {settings.Certificate} with {settings.Key} is not a PEM certificate and its private key ({e.Message.Trim()})");
        }
        if (PeerCertificates.Check(own, ca, utcNow) is { } problem)
            throw new ConfigurationException($"{TlsSettings.Section}.certificate: every peer would refuse this host: {problem}");
        return new HostCertificate(ca, own);
    }
}
