using System.Globalization;

namespace SignActors.Server.Rounds;

/// <summary>Why a node's vote was not applied in a round.</summary>
public enum Absence
{
    /// <summary>Planned: a configured crash (until its rejoin round).</summary>
    Crashed,
    /// <summary>Planned: client sampling did not draw it.</summary>
    NotDrawn,
    /// <summary>Planned: under round-policy = deadline, the round closed without its vote.</summary>
    DeadlineMissed,
    /// <summary>Unplanned: it was registered, and its host was lost or downed, or its actor stopped.</summary>
    HostLost,
    /// <summary>Unplanned: it had not registered yet (expected-nodes below nodes, or a slow host).</summary>
    NeverRegistered,
    /// <summary>Unplanned: its vote came and was dropped for a reason other than lateness under a deadline.</summary>
    VoteDropped,
    /// <summary>Unplanned: registered again during the round (a host coming back) and not yet in step.</summary>
    Rejoining,
}

/// <summary>What the ledger needs to know about one node in one closed round.</summary>
/// <param name="Applied">Its vote was applied.</param>
/// <param name="Registered">An actor speaks for it now.</param>
/// <param name="EverRegistered">It has registered at some point of the run.</param>
/// <param name="VoteDropped">A vote of it was dropped this round for a reason other than lateness.</param>
/// <param name="Reachable">Its host is up and reachable (false once the failure detector has lost it, before it is downed).</param>
/// <param name="Rejoining">Another actor registered it anew (a replacement, a return after a loss the plan did not make) and it has not voted since.</param>
public readonly record struct NodeInRound(bool Applied, bool Crashed, bool Drawn, bool Registered, bool EverRegistered, bool VoteDropped, bool Reachable = true, bool Rejoining = false);

/// <summary>
/// Planned against actual participation, per node and round: each round every node is present
/// (its vote applied; a Byzantine node's rounds are counted apart) or absent for one cause, the
/// experiment's own (a configured crash, not drawn, a deadline miss) or not (a lost host, a node
/// never registered, a dropped vote). A node that stops answering misses its deadlines until the
/// failure detector loses its host: the unbroken run of misses that ends in the loss counts as the
/// loss, so the absence starts at the first round its vote did not come. Pure; the coordinator
/// feeds it at each close.
/// </summary>
public sealed class ParticipationLedger(int nodes, bool deadline, IReadOnlySet<int> byzantine)
{
    static readonly Absence[] Causes = Enum.GetValues<Absence>();
    readonly long[] _present = new long[nodes];
    readonly long[,] _absent = new long[nodes, Causes.Length];
    readonly (long Round, Absence Cause)?[] _firstUnplanned = new (long, Absence)?[nodes];
    readonly (long From, long Count)[] _misses = new (long, long)[nodes]; // each node's unbroken deadline misses so far
    readonly List<string> _events = new();

    /// <summary>A node whose vote was applied (nothing else about it matters to the ledger).</summary>
    public static readonly NodeInRound Voted = new(true, false, true, true, true, false);

    public long Rounds { get; private set; }

    public static bool IsPlanned(Absence cause) => cause is Absence.Crashed or Absence.NotDrawn or Absence.DeadlineMissed;

    /// <summary>Why a node that was not applied is absent (the order matters: the plan's reasons first).</summary>
    public Absence? Classify(NodeInRound n) =>
        n.Applied ? null
        : n.Crashed ? Absence.Crashed
        : !n.Drawn ? Absence.NotDrawn
        : n.VoteDropped ? Absence.VoteDropped
        : !n.Registered ? (n.EverRegistered ? Absence.HostLost : Absence.NeverRegistered)
        : !n.Reachable ? Absence.HostLost
        : deadline && !n.Rejoining ? Absence.DeadlineMissed
        : Absence.Rejoining;

    /// <summary>Records round <paramref name="round"/>: <paramref name="node"/>(j) for every node id.</summary>
    public void Close(long round, Func<int, NodeInRound> node)
    {
        Rounds++;
        for (int j = 0; j < nodes; j++)
        {
            var cause = Classify(node(j));
            if (cause is null) _present[j]++;
            else _absent[j, (int)cause]++;
            Streak(j, round, cause);
            if (cause is { } c && !IsPlanned(c)) _firstUnplanned[j] ??= (round, c);
        }
    }

    /// <summary>Deadline misses run on until the node votes (a straggler) or its host is lost (then they were the loss).</summary>
    void Streak(int j, long round, Absence? cause)
    {
        switch (cause)
        {
            case Absence.DeadlineMissed:
                _misses[j] = (_misses[j].Count == 0 ? round : _misses[j].From, _misses[j].Count + 1);
                break;
            case Absence.HostLost when _misses[j].Count > 0:
                _absent[j, (int)Absence.DeadlineMissed] -= _misses[j].Count;
                _absent[j, (int)Absence.HostLost] += _misses[j].Count;
                _firstUnplanned[j] ??= (_misses[j].From, Absence.HostLost);
                _misses[j] = default;
                break;
            case Absence.Crashed or Absence.NotDrawn: // the plan's own absences say nothing of whether it still answers
                break;
            default:
                _misses[j] = default;
                break;
        }
    }

    /// <summary>Something that explains unplanned absences (a host lost at a round), said once in the summary.</summary>
    public void Note(string happening)
    {
        if (!_events.Contains(happening)) _events.Add(happening);
    }

    public long Present(int node) => _present[node];
    public long Absent(int node, Absence cause) => _absent[node, (int)cause];
    public long Unplanned(int node) => Causes.Where(c => !IsPlanned(c)).Sum(c => _absent[node, (int)c]);
    public bool Degraded => Enumerable.Range(0, nodes).Any(j => Unplanned(j) > 0);

    /// <summary>participation.csv: node, rounds present, Byzantine, then rounds absent by cause.</summary>
    public string Csv()
    {
        var text = new System.Text.StringBuilder("node,present,byzantine," + string.Join(",", Causes.Select(Column)) + "\n");
        for (int j = 0; j < nodes; j++)
            text.Append(CultureInfo.InvariantCulture, $"{j},{_present[j]},{(byzantine.Contains(j) ? 1 : 0)},{string.Join(",", Causes.Select(c => _absent[j, (int)c]))}\n");
        return text.ToString();
    }

    /// <summary>
    /// The outcome's line: <c>participation: as planned</c>, or <c>participation: degraded: nodes
    /// 0, 1 absent for 2,118 of 3,000 rounds from round 883, unplanned (host 127.0.0.1:37291 downed at round 890)</c>.
    /// </summary>
    public string Summary()
    {
        if (!Degraded) return "participation: as planned";
        var c = CultureInfo.InvariantCulture;
        var groups = Enumerable.Range(0, nodes).Where(j => Unplanned(j) > 0).GroupBy(j => (Count: Unplanned(j), From: _firstUnplanned[j]!.Value.Round))
            .OrderByDescending(g => g.Key.Count).ThenBy(g => g.Key.From)
            .Select(g => $"node{(g.Count() > 1 ? "s" : "")} {string.Join(", ", g)} absent for {g.Key.Count.ToString("N0", c)} of {Rounds.ToString("N0", c)} rounds from round {g.Key.From.ToString(c)}");
        var causes = Enumerable.Range(0, nodes).Where(j => _firstUnplanned[j] is not null).Select(j => Column(_firstUnplanned[j]!.Value.Cause).Replace('_', ' ')).Distinct();
        string why = _events.Count > 0 ? string.Join("; ", _events) : string.Join(", ", causes);
        return $"participation: degraded: {string.Join("; ", groups)}, unplanned ({why})";
    }

    static string Column(Absence cause) => cause switch
    {
        Absence.Crashed => "crashed",
        Absence.NotDrawn => "not_drawn",
        Absence.DeadlineMissed => "deadline_missed",
        Absence.HostLost => "host_lost",
        Absence.NeverRegistered => "never_registered",
        Absence.VoteDropped => "vote_dropped",
        _ => "rejoining",
    };
}
