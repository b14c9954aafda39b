using System.Net;
using Akka.Configuration;
using SignActors.Runtime.Configuration;

namespace SignActors.Runtime.Cluster.Tls;

/// <summary>`cluster.tls.enabled`: auto is on for an address beyond loopback.</summary>
public enum TlsMode { Auto, On, Off }

/// <summary>
/// `signactors.cluster.tls` and `cluster.insecure`: whether this host speaks mutual TLS, with
/// which files (PEM: the cluster's CA certificate, this host's certificate and its private key),
/// and whether a host beyond loopback may run without it (Flower's convention: only when told).
/// </summary>
public sealed record TlsSettings(TlsMode Mode, string Ca, string Certificate, string Key, bool Insecure)
{
    public const string Section = "signactors.cluster.tls";

    public static TlsSettings Read(Config root)
    {
        var t = new SettingsReader(root, Section);
        var mode = t.OneOf("enabled", ["auto", "on", "off"]) switch { "on" => TlsMode.On, "off" => TlsMode.Off, _ => TlsMode.Auto };
        return new TlsSettings(mode, t.String("ca"), t.String("certificate"), t.String("key"), new SettingsReader(root, "signactors.cluster").Bool("insecure"));
    }

    /// <summary>Whether a host listening on <paramref name="hostname"/> speaks TLS.</summary>
    public bool EnabledFor(string hostname) => Mode == TlsMode.On || (Mode == TlsMode.Auto && !IsLoopback(hostname));

    /// <summary>
    /// Why a host on <paramref name="hostname"/> must not start as configured, or null: beyond
    /// loopback without TLS needs `cluster.insecure = on` (then <see cref="Warning"/> says so once).
    /// </summary>
    public string? Refusal(string hostname) =>
        EnabledFor(hostname) || IsLoopback(hostname) || Insecure ? null
        : $"signactors.cluster.tls: this host listens on {hostname}, beyond loopback, with TLS off; anyone who reaches the port could join. "
          + "Set tls.enabled = auto or on with ca, certificate and key (`signactors certs` makes them), or cluster.insecure = on to run without TLS";

    /// <summary>The one warning of an insecure host beyond loopback, or null.</summary>
    public string? Warning(string hostname) =>
        EnabledFor(hostname) || IsLoopback(hostname) ? null
        : $"cluster.insecure = on: {hostname} is beyond loopback and TLS is off; any process that reaches this port can join the cluster";

    /// <summary>127.0.0.0/8, ::1 and localhost. 0.0.0.0 and + listen on every interface: not loopback.</summary>
    public static bool IsLoopback(string hostname) =>
        string.Equals(hostname, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(hostname.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
