using SignActors.Messages.Transport;
using Xunit;

namespace SignActors.Tests.Messages;

/// <summary>Cutting a message into the host link's chunks and putting it back together, on hand-made sizes.</summary>
public class HostLinkChunksTests
{
    [Fact]
    public void A_message_cut_into_chunks_comes_back_whole_and_a_chunk_out_of_order_or_too_long_is_refused()
    {
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(3, Chunks.CountFor(10_000, 4096)); // 4096 + 4096 + 1808
        Assert.Equal(1, Chunks.CountFor(0, 4096));      // an empty message is one empty chunk
        Assert.Equal(new Range(8192, 10_000), Chunks.Of(2, 10_000, 4096));
        var header = new LinkHeader("akka://s/user/a", null, 4711, "V", 10_000);
        var settings = new LinkSettings(4096, 8);
        Assert.True(settings.Fits(header, 3));
        Assert.False(settings.Fits(header, 2));  // 10,000 bytes cannot be 2 chunks of 4,096
        Assert.False(settings.Fits(header, 4));  // nor 4: the sender's chunks were smaller than this host's
        Assert.True(settings.Fits(header with { Length = 0 }, 1));

        var whole = new Reassembly(header, 3);
        for (int i = 0; i < 3; i++) Assert.Null(whole.Append(i, bytes[Chunks.Of(i, bytes.Length, 4096)]));
        Assert.True(whole.Complete);
        Assert.Equal(bytes, whole.Bytes);

        var skipped = new Reassembly(header, 3);
        Assert.Null(skipped.Append(0, bytes[..4096]));
        Assert.Equal("chunk 2 arrived, chunk 1 was next", skipped.Append(2, bytes[8192..]));
        var overlong = new Reassembly(header with { Length = 5000 }, 2);
        Assert.Null(overlong.Append(0, bytes[..4096]));
        Assert.Equal("chunk 1 brings 4096 bytes, 904 of 5000 remain", overlong.Append(1, bytes[4096..8192]));
        Assert.Equal("the last chunk ends at byte 4196 of 5000", overlong.Append(1, bytes[4096..4196]));
    }
}
