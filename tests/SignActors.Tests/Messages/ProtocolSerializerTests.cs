using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Messages.Serialization;
using Xunit;

namespace SignActors.Tests.Messages;

/// <summary>The binary wire format: round trips, exact sizes, the HOCON binding, and bad bytes.</summary>
public class ProtocolSerializerTests() : TestKit(SignActors.Tests.Federation.TinyFederation.WireConfig)
{
    const int D = 1001;

    static PackedSigns Signs(int seed) => SignPacker.Pack(TestVectors.Uniform(D, seed));

    static CountVector Counts()
    {
        var c = new CountVector(D, 5);
        for (int k = 0; k < D; k++) c[k] = k % 6;
        return c;
    }

    public static IEnumerable<object[]> Payloads() => new Payload[]
    {
        new SignPayload(Signs(1)),
        new ScaledSignPayload(Signs(2), 3.25f),
        new CountPayload(Counts()),
        new DensePayload(TestVectors.Uniform(D, 3)),
        new SignPayload(new PackedSigns(0)),
    }.Select(p => new object[] { p });

    public static IEnumerable<object[]> Messages() => new object[]
    {
        new RegisterNode(7),
        new NodeRegistered(7, 42),
        new StartRound(3, 0.001f, null, 0),
        new StartRound(4, 0.5f, new[] { 2.5f }, 1500),
        new StartRound(5, 0.5f, new[] { 2.5f, 0f, 1e-3f }, 0),
        new Vote(9, 2, new SignPayload(Signs(4)), new VoteScalars(4.5f, 10.25f, 1.5f, 0.75f), 12.5f),
        new Vote(9, 3, new SignPayload(Signs(4)), new VoteScalars(4.5f, 10.25f, 1.5f, 0.75f), 12.5f, new[] { 0.75f, 0.5f }),
        new Aggregate(9, new ScaledSignPayload(Signs(5), 0.125f), 0.01f),
        new Aggregate(10, new CountPayload(Counts()), 0.01f),
        new SnapshotRequest(3, 17),
        new ModelSnapshot(17, TestVectors.Uniform(D, 6), null),
        new ModelSnapshot(18, TestVectors.Uniform(D, 7), new OptimizerSnapshot(18, new[] { TestVectors.Uniform(D, 8), TestVectors.Uniform(D, 9) })),
        new ReplicaHash(5, 1, new string('a', 64)),
        new NodeFailed(1, 2, "the minibatch loss is NaN — ünïcode survives"),
        new RunFinished(300, "300 rounds completed"),
        new StateRequest(12),
        new NodeState(12, 3, new EstimatorSnapshot(true, new[] { TestVectors.Uniform(D, 10) })),
        new NodeState(12, 4, new EstimatorSnapshot(false, Array.Empty<float[]>())),
        new RegistrationRefused(3, "node 3 belongs to worker host 10.0.0.7:4053, which is up and reachable"),
        new RegistrationReplaced(3),
    }.Select(m => new object[] { m });

    Serializer For(object message) => Sys.Serialization.FindSerializerFor(message);

    object RoundTrip(object message)
    {
        var serializer = (SerializerWithStringManifest)For(message);
        return serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_protocol_message_round_trips_through_the_binary_serializer(object message)
    {
        Assert.IsType<ProtocolSerializer>(For(message));
        Assert.Equal(message, RoundTrip(message));
    }

    [Fact]
    public void Every_type_of_the_protocol_is_bound_to_the_binary_serializer_and_none_to_json()
    {
        var types = typeof(IRoundProtocol).Assembly.GetTypes().Where(t => typeof(IRoundProtocol).IsAssignableFrom(t) && !t.IsInterface).ToArray();
        Assert.True(types.Length >= 10);
        foreach (var type in types)
        {
            var serializer = Sys.Serialization.FindSerializerForType(type);
            Assert.True(serializer is ProtocolSerializer, $"{type.Name} goes to {serializer.GetType().Name}");
            Assert.True(serializer.Identifier > 100);
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Votes_and_aggregates_are_exactly_the_sizes_the_metrics_count(Payload payload)
    {
        var vote = new Vote(1, 0, payload, new VoteScalars(1, 2, 3, 4), 5);
        var aggregate = new Aggregate(1, payload, 0.1f);
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        Assert.Equal(WireSize.Of(vote), serializer.ToBinary(vote).Length);
        Assert.Equal(WireSize.Of(aggregate), serializer.ToBinary(aggregate).Length);
        Assert.Equal(vote, RoundTrip(vote));
        Assert.Equal(aggregate, RoundTrip(aggregate));
        var perTensor = vote with { TensorNorms = new[] { 1f, 2f, 3f } };
        Assert.Equal(WireSize.Of(perTensor), serializer.ToBinary(perTensor).Length);
        Assert.Equal(perTensor, RoundTrip(perTensor));
    }

    [Fact]
    public void A_sign_vote_costs_one_bit_per_coordinate_plus_a_fixed_header()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(new Vote(1, 0, new SignPayload(Signs(1)), default, 0));
        Assert.Equal(41, WireSize.VoteHeaderBytes); // version, round, node, compute ms, 4 scalars, norm count, payload header
        Assert.Equal(41 + (D + 7) / 8, bytes.Length);
        Assert.Equal(Signs(1).Bytes.ToArray(), bytes[41..]); // the packed bytes as they are

        // Per-tensor radius: 4 bytes per tensor norm up, 4 per radius down in StartRound (19 + 4·T bytes).
        Assert.Equal(41 + 4 * 14 + (D + 7) / 8, serializer.ToBinary(new Vote(1, 0, new SignPayload(Signs(1)), default, 0, new float[14])).Length);
        var start = new StartRound(2, 0.1f, new float[14], 0);
        Assert.Equal(19 + 4 * 14, serializer.ToBinary(start).Length);
        Assert.Equal(WireSize.Of(start), serializer.ToBinary(start).Length);
        Assert.Equal(19, serializer.ToBinary(new StartRound(1, 0.1f, null, 0)).Length);
    }

    [Fact]
    public void Random_truncated_and_bit_flipped_bytes_give_a_clean_exception_or_a_well_formed_message()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var rng = new Random(1234);
        var samples = Messages().Select(m => m[0]).ToArray();
        int clean = 0, decoded = 0;
        for (int i = 0; i < 12_000; i++)
        {
            var message = samples[i % samples.Length];
            string manifest = serializer.Manifest(message);
            var bytes = serializer.ToBinary(message);
            switch (i % 3)
            {
                case 0: bytes = bytes[..rng.Next(bytes.Length)]; break;                            // truncated
                case 1: bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); break;          // one bit flipped
                default: bytes = new byte[rng.Next(64)]; rng.NextBytes(bytes); break;               // random
            }
            try
            {
                var result = serializer.FromBinary(bytes, i % 7 == 0 ? "nope" : manifest);
                Assert.IsAssignableFrom<IRoundProtocol>(result);
                decoded++;
            }
            catch (SerializationException) { clean++; }
        }
        Assert.Equal(12_000, clean + decoded);
        Assert.True(clean > 8_000, $"only {clean} rejected");
    }
}
