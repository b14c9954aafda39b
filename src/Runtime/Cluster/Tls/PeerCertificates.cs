using System.Security.Cryptography.X509Certificates;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// Whether a peer's certificate may join this cluster: it chains to the cluster's own CA (custom
/// root trust, never the machine's store) and is within its validity period. No host name check: one certificate may serve hosts whose names are not
/// known in advance (a Slurm allocation). Pure: the clock is passed in.
/// </summary>
public static class PeerCertificates
{
    /// <returns>Why the certificate is refused, as a phrase ("its certificate expired on …"), or null when it is accepted.</returns>
    public static string? Check(X509Certificate2? peer, X509Certificate2 ca, DateTime utcNow)
    {
        if (peer is null) return "it presented no certificate";
        if (utcNow < peer.NotBefore.ToUniversalTime()) return $"its certificate ({peer.Subject}) is not valid before {peer.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        if (utcNow > peer.NotAfter.ToUniversalTime()) return $"its certificate ({peer.Subject}) expired on {peer.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // the cluster's CA publishes no revocation lists
        chain.ChainPolicy.VerificationTime = utcNow;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        bool built = chain.Build(peer);
        var root = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
        if (!built || root is null || !root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
        {
            string status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"its certificate ({peer.Subject}, issued by {peer.Issuer}) does not chain to this cluster's CA ({ca.Subject})" + (status.Length > 0 ? $": {status}" : "");
        }
        return null;
    }
}
