using SignActors.Training.Faults;

namespace SignActors.Server.Rounds;

/// <summary>The one-line reasons a run stops, so the coordinator only decides when.</summary>
public static class StopReasons
{
    /// <summary>Not a stop: how a run that ran every round ends.</summary>
    public static string Completed(long rounds, bool verified, int replicas) =>
        $"{rounds} rounds completed" + (verified ? $"; all {replicas} replicas bit-identical to the server after every round" : "");

    public static string BelowQuorum(long round, int votes, RoundPolicy policy, long lastClosed) =>
        $"round {round} reached only {votes} of min-quorum {policy.MinQuorum} votes by its deadline after {policy.MaxExtensions} extension(s) of {policy.DeadlineMs} ms; the global model after round {lastClosed} is the checkpoint";

    /// <summary>Not a stop: a round below quorum at its deadline waits one more.</summary>
    public static string Extension(long round, int votes, RoundPolicy policy, int extension) =>
        $"server: round {round} has {votes} of min-quorum {policy.MinQuorum} votes at the deadline; extension {extension} of {policy.MaxExtensions}";

    public static string Watchdog(long round, TimeSpan waited, IReadOnlyCollection<int> silent, int votes, int live, string? checkpoint, long lastClosed) =>
        $"round {round} has had no vote for {waited.TotalSeconds:F0} s (20 × the median round time, at least 60 s); "
        + (silent.Count > 0 ? $"nodes {string.Join(", ", silent)} have not voted" : $"{votes} votes in, none missing from the {live} live nodes")
        + (checkpoint is null ? "" : $"; the global model after round {lastClosed} is in {checkpoint} (estimators start fresh on resume)");

    public static string NoNodeLeft(long round, TimeSpan waited, string? checkpoint, long lastClosed) =>
        $"round {round}: every node was lost and none registered within {waited.TotalSeconds:F0} s (signactors.rejoin-wait-ms)"
        + (checkpoint is null ? "" : $"; the global model after round {lastClosed} is in {checkpoint} (estimators start fresh on resume)");

    public static string Divergence(int node, long round, string nodeHash, string serverHash) =>
        $"replica divergence: node {node} holds parameters {Short(nodeHash)} after round {round}, the server {Short(serverHash)}";

    public static string HashesMissing(IEnumerable<int> nodes, TimeSpan waited) =>
        $"nodes {string.Join(", ", nodes)} did not report their parameter hash after the last round within {waited.TotalSeconds:F0} s";

    public static string Stopped(string reason, long round, string? checkpoint) =>
        $"{reason}; " + (checkpoint is null ? "no checkpoint path to resume from" : $"resume from {checkpoint}");

    /// <summary>An exception as one line: its type and its message without line breaks.</summary>
    public static string OneLine(Exception e) =>
        $"{e.GetType().Name}: {string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}";

    static string Short(string hash) => hash.Length > 16 ? hash[..16] : hash;
}
