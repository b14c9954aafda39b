using System.Diagnostics;
using SignActors.Messages.Protocol;
using SignActors.Server.Metrics;
using SignActors.Training.Faults;

namespace SignActors.Server.Rounds;

/// <summary>
/// The round collecting votes: the StartRound it opened with, its accepted votes in node-id order
/// (so float sums are the same on every run), what was dropped meanwhile, and its clock.
/// </summary>
public sealed class OpenRound(StartRound start)
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

    public Vote? VoteOf(int node) => _votes.GetValueOrDefault(node);

    /// <summary>The nodes of <paramref name="live"/> that have not voted.</summary>
    public int[] Missing(IEnumerable<int> live) => live.Where(j => !_votes.ContainsKey(j)).ToArray();

    public void Accept(Vote vote) => _votes.Add(vote.NodeId, vote);

    public Vote[] Votes() => _votes.Values.ToArray();

    /// <summary>The facts of this round once closed with <paramref name="aggregate"/> (its metrics row is computed from them).</summary>
    public ClosedRound Facts(Vote[] votes, Aggregate aggregate, int recipients, FaultPlan faults, int trainingRecords, double wallMs, double elapsedSeconds, double closeMs) =>
        new(start, votes, aggregate, recipients, Late, Rejected, Repeated, faults.Byzantine, faults.OmniscientRecords(trainingRecords), wallMs, elapsedSeconds, closeMs);

    /// <summary>Counts a vote dropped while this round was open.</summary>
    public void Dropped(VoteVerdict verdict)
    {
        switch (verdict)
        {
            case VoteVerdict.Late: Late++; break;
            case VoteVerdict.Repeated: Repeated++; break;
            default: Rejected++; break;
        }
    }
}
