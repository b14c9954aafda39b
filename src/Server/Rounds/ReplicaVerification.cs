namespace SignActors.Server.Rounds;

/// <summary>What a node's parameter hash says (SPEC §10, verify-replicas).</summary>
public enum HashVerdict
{
    /// <summary>Equal to the server's after that round.</summary>
    Matches,
    /// <summary>A round no longer tracked (every node confirmed it, or it left the window).</summary>
    Untracked,
    /// <summary>Different from the server's: the replicas have diverged.</summary>
    Diverged,
}

/// <summary>
/// The server's parameter hash after each recent round, and which nodes have confirmed it. A
/// round is forgotten once every live node has confirmed it, or when it leaves the window (a
/// node that joined later never reports the rounds before it).
/// </summary>
public sealed class ReplicaVerification(long window = 64)
{
    readonly Dictionary<long, (string Hash, HashSet<int> Reported)> _expected = new();

    public void Expect(long round, string hash)
    {
        _expected[round] = (hash, new HashSet<int>());
        _expected.Remove(round - window);
    }

    /// <summary>The server's hash after <paramref name="round"/>, if still tracked.</summary>
    public string? Expected(long round) => _expected.TryGetValue(round, out var e) ? e.Hash : null;

    public HashVerdict Report(long round, int node, string hash, IEnumerable<int> live)
    {
        if (!_expected.TryGetValue(round, out var expected)) return HashVerdict.Untracked;
        if (hash != expected.Hash) return HashVerdict.Diverged;
        expected.Reported.Add(node);
        // Fewer reports than live nodes cannot cover them all: the full check only runs once it can pass (10,000 nodes: not n² a round).
        bool mayBeComplete = live is not IReadOnlyCollection<int> known || expected.Reported.Count >= known.Count;
        if (mayBeComplete && live.All(expected.Reported.Contains)) _expected.Remove(round);
        return HashVerdict.Matches;
    }

    /// <summary>Live nodes that have not confirmed <paramref name="round"/> (none once it is confirmed or untracked).</summary>
    public IEnumerable<int> Unconfirmed(long round, IEnumerable<int> live) =>
        _expected.TryGetValue(round, out var e) ? live.Where(j => !e.Reported.Contains(j)).Order() : [];
}
