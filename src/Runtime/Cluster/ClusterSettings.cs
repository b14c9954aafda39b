using SignActors.Messages.Transport;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Remote.Hosting;
using SignActors.Runtime.Cluster.Tls;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;

namespace SignActors.Runtime.Cluster;

/// <summary>How the hosts find each other: a hand-listed seed list (the server first), or contact points from Akka.Discovery.</summary>
public enum ClusterFormation { SeedNodes, Discovery }

/// <summary>
/// `cluster.discovery`: where contact points come from — <c>config</c> (every host's Akka.Remote
/// address listed, the same list on every host) or <c>kubernetes</c> (the Kubernetes API: pods
/// matching a label selector, their port named <see cref="PortName"/>) — and how many must answer
/// before a new cluster forms.
/// </summary>
public sealed record DiscoverySettings(string Method, ContactPoint[] ContactPoints, int RequiredContactPoints, string PodLabelSelector, string PortName);

/// <summary>The HTTP management endpoint (<c>/alive</c>, <c>/ready</c>).</summary>
public sealed record ManagementSettings(string Hostname, int Port);

/// <summary>
/// `signactors.cluster`: where this host listens, how the cluster forms, the downing strategy, the
/// management endpoint (SPEC §12) and mutual TLS (<see cref="Tls"/>: this host's certificate and
/// the cluster's CA, or null when TLS is off).
/// </summary>
public sealed record ClusterSettings(string Hostname, int Port, string[] SeedNodes, int StableAfterMs,
    ClusterFormation Formation = ClusterFormation.SeedNodes, DiscoverySettings? Discovery = null, ManagementSettings? Management = null,
    HostCertificate? Tls = null, string? InsecureWarning = null, LinkSettings? Link = null)
{
    /// <summary>The host link's sizes (reference.conf's when not read).</summary>
    public LinkSettings LinkSizes => Link ?? LinkSettings.Reference;

    public const string SystemName = "signactors";
    public const string ServerRole = "server", WorkerRole = "worker";
    /// <summary>The service name hosts look each other up by in discovery.</summary>
    public const string ServiceName = "signactors";

    public static ClusterSettings Read(Config root, int? portOverride = null, int? managementPortOverride = null)
    {
        var c = new SettingsReader(root, "signactors.cluster");
        var formation = c.OneOf("formation", ["seed-nodes", "discovery"]) == "discovery" ? ClusterFormation.Discovery : ClusterFormation.SeedNodes;
        var seeds = root.GetStringList("signactors.cluster.seed-nodes")?.ToArray() ?? Array.Empty<string>();
        if (formation == ClusterFormation.SeedNodes && seeds.Length == 0)
            throw new ConfigurationException("signactors.cluster.seed-nodes: list the server's address, like [\"akka.tcp://signactors@127.0.0.1:4053\"], or set formation = discovery");
        string hostname = c.String("hostname");
        var (tls, insecure) = ReadTls(root, hostname);
        seeds = seeds.Select(seed => WithScheme(seed, tls is not null)).ToArray();
        var discovery = formation == ClusterFormation.Discovery ? ReadDiscovery(root) : null;
        var m = new SettingsReader(root, "signactors.cluster.management");
        string enabled = m.OneOf("enabled", ["auto", "on", "off"]);
        string ownHost = m.String("hostname");
        var management = enabled == "on" || (enabled == "auto" && formation == ClusterFormation.Discovery)
            ? new ManagementSettings(ownHost.Length == 0 ? hostname : ownHost, managementPortOverride ?? m.Int("port", 1, 65535)) : null;
        return new ClusterSettings(hostname, portOverride ?? c.Int("port", 0, 65535), formation == ClusterFormation.SeedNodes ? seeds : [],
            c.Int("stable-after-ms", 100, 600_000), formation, discovery, management, tls, insecure, ReadLink(root));
    }

    static LinkSettings ReadLink(Config root)
    {
        var l = new SettingsReader(root, "signactors.cluster.link");
        return new LinkSettings(l.Int("chunk-bytes", LinkSettings.MinChunkBytes, 64 << 20), l.Int("window", 1, 1024));
    }

    /// <summary>Akka.Remote's scheme: TLS changes it, so addresses follow the host's TLS setting.</summary>
    public string Scheme => Tls is null ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>
    /// This host's TLS identity, loaded and checked, or null when TLS is off for its address; a
    /// host beyond loopback without TLS is refused unless `cluster.insecure = on` (then a warning).
    /// </summary>
    static (HostCertificate? Tls, string? InsecureWarning) ReadTls(Config root, string hostname)
    {
        var settings = TlsSettings.Read(root);
        if (settings.Refusal(hostname) is { } refusal) throw new ConfigurationException(refusal);
        return settings.EnabledFor(hostname) ? (HostCertificate.Load(settings, DateTime.UtcNow), null) : (null, settings.Warning(hostname));
    }

    /// <summary>A seed as listed (akka.tcp or akka.ssl.tcp) with the scheme this host's TLS setting needs.</summary>
    static string WithScheme(string seed, bool tls)
    {
        string rest = seed.StartsWith("akka.ssl.tcp://", StringComparison.Ordinal) ? seed["akka.ssl.tcp://".Length..]
            : seed.StartsWith("akka.tcp://", StringComparison.Ordinal) ? seed["akka.tcp://".Length..] : "";
        if (!rest.StartsWith($"{SystemName}@", StringComparison.Ordinal))
            throw new ConfigurationException($"signactors.cluster.seed-nodes: \"{seed}\" is not an address of the form akka.tcp://{SystemName}@host:port");
        return (tls ? "akka.ssl.tcp://" : "akka.tcp://") + rest;
    }

    static DiscoverySettings ReadDiscovery(Config root)
    {
        var d = new SettingsReader(root, "signactors.cluster.discovery");
        string method = d.OneOf("method", ["config", "kubernetes"]);
        var points = new List<ContactPoint>();
        foreach (var text in root.GetStringList("signactors.cluster.discovery.contact-points") ?? [])
            points.Add(ContactPoint.TryParse(text, out var point) ? point
                : throw new ConfigurationException($"signactors.cluster.discovery.contact-points: \"{text}\" is not host:port (a host's Akka.Remote endpoint)"));
        if (method == "config" && points.Count == 0)
            throw new ConfigurationException("signactors.cluster.discovery.contact-points: list every host's Akka.Remote address (host:port), the same list on every host");
        int required = d.IntOrAuto("required-contact-points", method == "config" ? points.Count : 2, 1, 10_000);
        return new DiscoverySettings(method, points.ToArray(), required, d.String("pod-label-selector"), d.String("port-name"));
    }

    /// <summary>
    /// A launched process (SchedulerRanks): the one seed is the server, rank 0, at the scheduler's
    /// host and MASTER_PORT (else the config's port); the server listens there, a worker on
    /// <paramref name="hostname"/> at any free port. Hand-listed seed nodes are not read.
    /// </summary>
    public static ClusterSettings ForLaunch(Config root, LaunchPlace place, string hostname)
    {
        var c = new SettingsReader(root, "signactors.cluster");
        int serverPort = place.ServerPort ?? c.Int("port", 1, 65535);
        var (tls, insecure) = ReadTls(root, hostname);
        string seed = WithScheme($"akka.tcp://{SystemName}@{place.ServerHost}:{serverPort}", tls is not null);
        return new ClusterSettings(hostname, place.IsServer ? serverPort : 0, [seed], c.Int("stable-after-ms", 100, 600_000), Tls: tls, InsecureWarning: insecure, Link: ReadLink(root));
    }

    /// <summary>
    /// Akka.Remote's transport. Frames and socket buffers are sized to one chunk of the host link:
    /// every protocol message crosses in chunks (<see cref="HostLink"/>), so a large one never sits
    /// whole in the connection ahead of a heartbeat. Akka.Remote silently drops a message over the
    /// frame limit: the link's chunks, with their header, stay under it.
    /// </summary>
    public RemoteOptions Remoting(TlsRefusals? refusals = null)
    {
        long frame = Math.Max(LinkSizes.FrameBytes, 128_000);
        var options = new RemoteOptions { HostName = Hostname, Port = Port, MaxFrameSize = frame, SendBufferSize = frame, ReceiveBufferSize = frame };
        if (Tls is null) return options;
        options.EnableSsl = true;
        options.Ssl = new SslOptions
        {
            X509Certificate = Tls.Certificate,
            RequireMutualAuthentication = true,   // both ends present a certificate
            ValidateCertificateHostname = false,  // one certificate may serve hosts named only at launch
            CustomValidator = (refusals ?? new TlsRefusals(Tls)).Validator,
        };
        return options;
    }

    /// <summary>
    /// Akka.Cluster for one host in <paramref name="role"/>, through Akka.Hosting's options: the
    /// transport, the seed list (none under discovery: <see cref="DiscoveryFormation"/> joins), the
    /// discovery method's config, and the split-brain resolver's keep-oldest among the members
    /// with role server — the server's side of any partition survives, whichever host joined first.
    /// </summary>
    /// <param name="admitDelivery">Akka.Delivery's serializer may run (`bench --suite link` only; hosts refuse it).</param>
    public void Configure(AkkaConfigurationBuilder akka, string role, TlsRefusals? refusals = null, bool admitDelivery = false)
    {
        akka.WithRemoting(Remoting(refusals));
        akka.WithClustering(new ClusterOptions
        {
            Roles = [role],
            SeedNodes = Formation == ClusterFormation.SeedNodes ? SeedNodes : [],
            SplitBrainResolver = new KeepOldestOption { Role = ServerRole, DownIfAlone = false },
        });
        akka.AddHocon($"akka.cluster.split-brain-resolver.stable-after = {StableAfterMs}ms", HoconAddMode.Prepend);
        akka.AddHocon(Wire.ClusterWire.Config(admitDelivery), HoconAddMode.Prepend); // only our serializers, untrusted mode: over the user's akka section too
        // Akka's detector that also reports its longest heartbeat gap; a user's own choice wins.
        akka.AddHocon($"akka.cluster.failure-detector.implementation-class = \"{HeartbeatGapDetector.TypeName}\"", HoconAddMode.Append);
        if (Discovery is not { } d) return;
        if (d.Method == "kubernetes") akka.WithKubernetesDiscovery(d.PodLabelSelector);
        else
            akka.AddHocon($$"""
                akka.discovery.config.services.{{ServiceName}}.endpoints = [{{string.Join(", ", d.ContactPoints.Select(p => $"\"{p}\""))}}]
                """, HoconAddMode.Prepend);
    }
}
