using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using SignActors.Training.Updates;
using Xunit;

namespace SignActors.Tests.Training;

public class SignStepTests
{
    [Fact]
    public void Applies_x_minus_step_times_a_minus_decay_step_times_x_exactly()
    {
        float[] x = { 1f, 2f, -4f };
        var a = SignPacker.Pack(new[] { 1f, -1f, 0f }); // +, -, +
        SignStep.Apply(a, x, 0.5f, 0.125f);
        // 1 - (.5 + .125) = 0.375;  2 - (-.5 + .25) = 2.25;  -4 - (.5 - .5) = -4
        Assert.Equal(new[] { 0.375f, 2.25f, -4f }, x);
    }

    [Theory]
    [MemberData(nameof(TestVectors.Paths), MemberType = typeof(TestVectors))]
    public void Every_path_equals_the_dense_update_bit_for_bit(SimdPath path)
    {
        foreach (int d in new[] { 1, 63, 64, 65, 1000, 4099 })
        {
            var signs = SignPacker.Pack(TestVectors.Uniform(d, d));
            var dense = new float[d];
            SignPacker.Unpack(signs, dense);
            var x1 = TestVectors.Uniform(d, d + 1, 10f);
            var x2 = (float[])x1.Clone();
            SignStep.Apply(signs, x1, 0.0123f, 0.01f, path);
            SignStep.ApplyDense(dense, x2, 0.0123f, 0.01f);
            Assert.Equal(x2, x1);
        }
    }

    [Fact]
    public void Length_mismatch_is_rejected() =>
        Assert.Throws<ArgumentException>(() => SignStep.Apply(new PackedSigns(3), new float[4], 1f));
}
