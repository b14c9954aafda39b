using SignActors.Messages.Packing;
using Xunit;

namespace SignActors.Tests.Messages;

public class CountVectorTests
{
    [Theory]
    [InlineData(1, 1)] [InlineData(2, 2)] [InlineData(3, 2)] [InlineData(4, 3)] [InlineData(7, 3)] [InlineData(8, 4)] [InlineData(255, 8)] [InlineData(256, 9)]
    public void Bits_per_count_is_ceil_log2_of_voters_plus_one(int voters, int bits) =>
        Assert.Equal(bits, CountVector.BitsFor(voters));

    [Fact]
    public void Counts_are_packed_lsb_first_in_consecutive_bits()
    {
        var c = new CountVector(3, 3); // 2 bits each
        c[0] = 3; c[1] = 1; c[2] = 2;  // bits: 11 | 10 | 01 → 0b01_10_11 = 0x1B (count 2 = binary 10, LSB first → bits 0,1)
        Assert.Equal(new byte[] { 0b10_01_11 }, c.Bytes.ToArray());
        var back = CountVector.FromBytes(c.Bytes, 3, 3);
        Assert.Equal(new[] { 3, 1, 2 }, new[] { back[0], back[1], back[2] });
        var m = new float[3];
        back.ToMean(m);
        Assert.Equal(new[] { 1f, -1f / 3, 1f / 3 }, m);
    }

    [Fact]
    public void Bad_wire_bytes_are_rejected()
    {
        Assert.Contains("need 1 bytes", Assert.Throws<ArgumentException>(() => CountVector.FromBytes(new byte[2], 3, 3)).Message);
        Assert.Contains("tail bits", Assert.Throws<ArgumentException>(() => CountVector.FromBytes(new byte[] { 0xC0 }, 3, 3)).Message);
        // 5 voters: 3 bits; a count of 7 > 5
        Assert.Contains("above 5 voters", Assert.Throws<ArgumentException>(() => CountVector.FromBytes(new byte[] { 0x07 }, 1, 5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountVector(2, 3)[0] = 4);
    }
}
