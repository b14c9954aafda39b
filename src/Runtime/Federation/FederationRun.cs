using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Training.Data;
using SignActors.Training.Runs;

namespace SignActors.Runtime.Federation;

/// <summary>
/// One run as a host starts it: what the replicas agree on, how the run is carried out, the data
/// with its shards, this host's own settings, and the user's <c>akka</c> section (if any).
/// </summary>
public sealed record FederationRun(RunContract Contract, RunOptions Options, ImageSet Train, ImageSet Test, Shard[] Shards, HostSettings Host, Config? Akka = null);
