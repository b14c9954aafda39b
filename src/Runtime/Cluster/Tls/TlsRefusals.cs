using System.Collections.Concurrent;
using System.Net;
using Akka.Remote.Transport.DotNetty;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>
/// One host's TLS peer check and its memory of refusals. The validator runs on Akka.Remote's I/O
/// threads for every handshake, both ways: dialling out (this host checks the server it joins)
/// and accepting (it checks a connecting peer). Refusals are kept so they can be said in one line:
/// the outbound one ends a worker with its reason; inbound ones are named by
/// <see cref="TlsRefusalMonitor"/> when Akka reports the failed handshake.
/// </summary>
public sealed class TlsRefusals(HostCertificate identity)
{
    readonly ConcurrentDictionary<string, string> _inbound = new();
    volatile string? _outbound;

    /// <summary>Why this host could not join: it refused the peer it dialled ("the peer at …: its certificate …"), or the handshake failed.</summary>
    public string? Outbound => _outbound;

    public CertificateValidationCallback Validator => (certificate, _, peer, _, _) =>
    {
        // The machine's trust store and host names play no part (SslPolicyErrors ignored): only the cluster's CA.
        if (PeerCertificates.Check(certificate, identity.Ca, DateTime.UtcNow) is not { } refusal) return true;
        if (peer.Contains("://", StringComparison.Ordinal)) _outbound = $"the peer at {Endpoint(peer)}: {refusal}"; // dialling out: an Akka address
        else _inbound[Endpoint(peer)] = refusal;
        return false;
    };

    /// <summary>The recorded reason a connection from <paramref name="endpoint"/> was refused, if the check refused it (taken once).</summary>
    public string? TakeInbound(string endpoint) => _inbound.TryRemove(Normalise(endpoint), out var reason) ? reason : null;

    /// <summary>An outbound handshake that failed for a reason the check did not give (the peer refused this host, or speaks no TLS).</summary>
    public void NoteOutbound(string endpoint, string reason) => _outbound ??= $"the peer at {Normalise(endpoint)} {Undiagnosed}: {reason}";

    /// <summary>What an outbound failure says when this host's own check did not run.</summary>
    public const string Undiagnosed = "refused this host or speaks no TLS";

    /// <summary>Records why a connection was refused when the check did not say (no certificate; the handshake's own failure).</summary>
    public void NoteInbound(string endpoint, string reason, bool replace = true)
    {
        if (replace) _inbound[Normalise(endpoint)] = reason;
        else _inbound.TryAdd(Normalise(endpoint), reason);
    }

    /// <summary>"host:port" of an Akka address or a socket endpoint ("[::ffff:127.0.0.1]:40312" → "127.0.0.1:40312").</summary>
    public static string Endpoint(string peer)
    {
        int at = peer.IndexOf('@');
        return Normalise(at >= 0 ? peer[(at + 1)..] : peer);
    }

    /// <summary>The IP address (or host) of an endpoint, without the port: what one notice a minute is counted by.</summary>
    public static string Host(string endpoint)
    {
        string e = Normalise(endpoint);
        if (IPEndPoint.TryParse(e, out var ip)) return ip.Address.ToString();
        int colon = e.LastIndexOf(':');
        return colon > 0 ? e[..colon] : e;
    }

    static string Normalise(string endpoint) =>
        IPEndPoint.TryParse(endpoint.Trim(), out var ip)
            ? new IPEndPoint(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address, ip.Port).ToString()
            : endpoint.Trim();
}
