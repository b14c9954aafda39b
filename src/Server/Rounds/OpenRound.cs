using System.Diagnostics;
using SignActors.Messages.Protocol;
using SignActors.Server.Metrics;
using SignActors.Training.Faults;

namespace SignActors.Server.Rounds;

/// <summary>
/// The round collecting votes: the StartRound it opened with, who takes part (null: every node),
/// its accepted votes in node-id order (so float sums are the same on every run), what was dropped
/// meanwhile, and its clock.
/// </summary>
public sealed class OpenRound(StartRound start, IReadOnlySet<int>? participants = null)
{
    readonly SortedDictionary<int, Vote> _votes = new();

    public StartRound Start => start;
    public long Round => start.Round;
    public Stopwatch Clock { get; } = Stopwatch.StartNew();
    public int Late { get; private set; }
    public int Rejected { get; private set; }
    public int Repeated { get; private set; }
    public int Extensions { get; set; }

    public IReadOnlyCollection<int> Voted => _votes.Keys;

    /// <summary>Whether node <paramref name="node"/> takes part in this round (client sampling draws some; otherwise all).</summary>
    public bool Invites(int node) => participants is null || participants.Contains(node);

    /// <summary>The drawn participants; null when every node takes part.</summary>
    public IReadOnlySet<int>? Participants => participants;

    /// <summary>How many nodes the StartRound went to.</summary>
    public int Invited { get; set; }

    public Vote? VoteOf(int node) => _votes.GetValueOrDefault(node);

    /// <summary>The participants of <paramref name="live"/> that have not voted.</summary>
    public int[] Missing(IEnumerable<int> live) => live.Where(j => Invites(j) && !_votes.ContainsKey(j)).ToArray();

    /// <summary>The participants of <paramref name="live"/> of which nothing of this round's vote has come: the ones to ask again.</summary>
    public int[] NotHeardFrom(IEnumerable<int> live) => Missing(live).Where(j => !_arriving.Contains(j)).ToArray();

    /// <summary>Node <paramref name="node"/>'s vote for this round has started to arrive (its first chunk is on the wire).</summary>
    public void Arriving(int node) => _arriving.Add(node);

    readonly HashSet<int> _arriving = new();

    public void Accept(Vote vote) => _votes.Add(vote.NodeId, vote);

    public Vote[] Votes() => _votes.Values.ToArray();

    /// <summary>The facts of this round once closed with <paramref name="aggregate"/> (its metrics row is computed from them).</summary>
    public ClosedRound Facts(Vote[] votes, Aggregate aggregate, int recipients, FaultPlan faults, int trainingRecords, double wallMs, double elapsedSeconds, double closeMs) =>
        new(start, Invited, votes, aggregate, recipients, Late, Rejected, Repeated, faults.Byzantine, faults.OmniscientRecords(trainingRecords), wallMs, elapsedSeconds, closeMs);

    readonly HashSet<int> _droppedFrom = new();

    /// <summary>Whether a vote of <paramref name="node"/> was dropped this round for a reason other than lateness (or a repeat).</summary>
    public bool DroppedFrom(int node) => _droppedFrom.Contains(node);

    /// <summary>Counts a vote of <paramref name="node"/> dropped while this round was open.</summary>
    public void Dropped(VoteVerdict verdict, int node)
    {
        if (verdict is not (VoteVerdict.Late or VoteVerdict.Repeated or VoteVerdict.Duplicate)) _droppedFrom.Add(node);
        switch (verdict)
        {
            case VoteVerdict.Late: Late++; break;
            case VoteVerdict.Repeated: Repeated++; break;
            default: Rejected++; break;
        }
    }
}
