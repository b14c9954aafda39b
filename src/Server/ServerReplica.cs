using SignActors.Messages.Protocol;
using SignActors.Server.Aggregators;
using SignActors.Server.Byzantine;
using SignActors.Server.Metrics;
using SignActors.Server.Reporting;
using SignActors.Server.Rounds;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Updates;

namespace SignActors.Server;

/// <summary>
/// What the server computes, without the actor (SPEC §3, §6.5): the global model, which applies
/// every aggregate with the same update rule as the nodes; the aggregator; S_R's broadcast radii;
/// the hashes replicas must match; and what a checkpoint or snapshot holds. Under STORM it keeps
/// x_t, the point the last round's gradients were taken at. It moves only from round t − 1 to t.
/// </summary>
public sealed class ServerReplica : IDisposable
{
    readonly RunContract _spec;
    readonly RunOptions _options;
    readonly FlatModel _model;
    readonly DownlinkUpdate _update;
    readonly IAggregator _aggregator;
    readonly bool _keepsPrevious;
    readonly Messages.PayloadKind _votesCarry; // what the uplink declares: every vote is checked against it
    readonly IReadOnlySet<long> _stationarity; // the rounds whose x_t the reporter measures on the whole training set
    float[]? _previous, _radius;
    Aggregate? _lastBroadcast;

    public ServerReplica(RunContract spec, RunOptions options, ImageSet train)
    {
        (_spec, _options) = (spec, options);
        _aggregator = Aggregator.Create(spec.Algorithm);
        _model = new FlatModel(spec.ModelFor(train), spec.Seed);
        _update = new DownlinkUpdate(spec.Algorithm);
        _keepsPrevious = spec.Algorithm.EstimatorDeclared().NeedsGradientAtPrevious;
        _votesCarry = spec.Algorithm.UplinkDeclared().Produces;
        _stationarity = Stationarity.Draw(spec.Seed, spec.Rounds, options.StationarityRounds);
        if (options.ResumeFrom is { } checkpoint) Resume(checkpoint);
    }

    public int Dimension => _model.Dimension;

    /// <summary>The last round applied (0: x_1).</summary>
    public long LastAppliedRound { get; private set; }

    /// <summary>The hashes of the global model after recent rounds (verify-replicas).</summary>
    public ReplicaVerification Replicas { get; } = new();

    /// <summary>Round t's StartRound: η_t, and the radii round t − 1's votes set.</summary>
    public StartRound Start(long round) => new(round, _spec.LearningRate(round), _radius, 0);

    /// <summary>Where the acceptance rule of SPEC §6.3 puts <paramref name="vote"/> in the open round.</summary>
    public VoteVerdict Admit(Vote vote, OpenRound open, bool fromRegisteredSender) =>
        VoteAdmission.Check(vote, open.Round, LastAppliedRound, fromRegisteredSender, open.VoteOf(vote.NodeId), Dimension,
            _votesCarry, _spec.Algorithm.Uplink.PerTensorNorms ? _model.Layout.Slots.Count : 0);

    /// <summary>
    /// Round t's aggregate of the accepted votes (node-id order), ALIE and IPM attackers' messages
    /// crafted from the honest ones first; sets the radii for round t + 1.
    /// </summary>
    public Aggregate Aggregate(OpenRound round, Vote[] votes)
    {
        var sent = CraftedVotes.Replace(votes, _spec.FaultPlan, _spec.Nodes);
        var aggregate = new Aggregate(round.Round, _aggregator.Aggregate(sent.Select(v => v.Payload).ToArray(), AggregationContext.For(_aggregator, _spec.Seed, round.Round)), round.Start.LearningRate);
        _radius = RadiusBroadcast.Next(_spec.Algorithm.Uplink, votes);
        return aggregate;
    }

    /// <summary>x_{t+1} = the update of x_t by round t's aggregate; records its hash when replicas are verified.</summary>
    public void Apply(Aggregate aggregate)
    {
        if (aggregate.Round != LastAppliedRound + 1) throw new InvalidOperationException($"global model holds x_{LastAppliedRound + 1}, cannot apply round {aggregate.Round}");
        if (_keepsPrevious) _previous = _model.CopyParameters();
        _model.UpdateParameters(x => _update.Apply(aggregate.Payload, x, aggregate.LearningRate));
        (LastAppliedRound, _lastBroadcast) = (aggregate.Round, aggregate);
        if (_spec.VerifyReplicas) Replicas.Expect(aggregate.Round, Hash().Hex);
    }

    /// <summary>
    /// Applies round t's aggregate (<see cref="Apply(Aggregate)"/>) and returns what the reporter needs:
    /// the round's facts and, on an evaluation round, a copy of x_{t+1} to evaluate; on a round the
    /// stationarity measure drew, a copy of x_t, the point the round's gradients were taken at.
    /// </summary>
    public RoundReport Apply(OpenRound round, Vote[] votes, Aggregate aggregate, int recipients, int trainingRecords, double wallMs, double elapsedSeconds, double closeMs)
    {
        var stationarityAt = _stationarity.Contains(round.Round) ? CopyParameters() : null;
        Apply(aggregate);
        var facts = round.Facts(votes, aggregate, recipients, _spec.FaultPlan, trainingRecords, wallMs, elapsedSeconds, closeMs);
        return new RoundReport(facts, _options.EvaluatesAfter(round.Round, _spec.Rounds) ? CopyParameters() : null, stationarityAt);
    }

    public ModelSnapshot Snapshot() => new(LastAppliedRound, _model.CopyParameters(), _update.ExportState());

    /// <summary>Everything to continue after the last applied round, with the node states collected for it.</summary>
    public Checkpoint Checkpoint(IReadOnlyDictionary<int, EstimatorSnapshot> nodes) =>
        new(_options.Fingerprint, LastAppliedRound, _radius, Snapshot(), _previous, _lastBroadcast, nodes);

    /// <summary>How the run ended, with the global model as it is (never throws: a model that cannot be read is said in the message).</summary>
    public RunOutcome Outcome(bool completed, string message, IReadOnlyDictionary<VoteVerdict, long> drops, bool stopped)
    {
        (string hash, float[] parameters) = ("", []);
        try { (hash, parameters) = (Hash().Hex, CopyParameters()); }
        catch (Exception e) { message += $" (the global model could not be read: {StopReasons.OneLine(e)})"; }
        return new RunOutcome(completed, LastAppliedRound, message, hash, parameters, new Dictionary<VoteVerdict, long>(drops), stopped);
    }

    public float[] CopyParameters() => _model.CopyParameters();

    public ParameterHash Hash() => _model.Hash();

    void Resume(Checkpoint checkpoint)
    {
        if (checkpoint.Global.Parameters.Length != Dimension) throw new ArgumentException($"checkpoint has {checkpoint.Global.Parameters.Length} parameters, the model d={Dimension}", nameof(checkpoint));
        _update.ImportState(checkpoint.Global.Optimizer, Dimension);
        _model.LoadParameters(checkpoint.Global.Parameters);
        (LastAppliedRound, _radius, _previous, _lastBroadcast) = (checkpoint.Round, checkpoint.Radius, checkpoint.Previous, checkpoint.LastBroadcast);
    }

    public void Dispose() => _model.Dispose();
}
