using System.Net;
using System.Net.Sockets;
using SignActors.Tests.Host;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>A cluster host that cannot take its ports says so in one line and exits with 2 (in-process, so no peers are needed).</summary>
[Collection("host-runs")]
public class ClusterRefusalTests
{
    static string Config(string extra)
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $$"""
            signactors {
              nodes = 2
              rounds = 2
              model.name = mlp
              data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
              output.directory = "{{Path.Combine(Path.GetTempPath(), $"signactors-refusal-{Guid.NewGuid():N}")}}"
              {{extra}}
            }
            """);
        return path;
    }

    [Fact]
    public void A_server_whose_port_is_taken_stops_with_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, error) = CommandTests.Run("server", "--config", Config($"cluster.seed-nodes = [\"akka.tcp://signactors@127.0.0.1:{port}\"]"), "--port", $"{port}");
        Assert.Equal(2, code);
        Assert.Equal($"signactors: signactors.cluster: cannot listen on 127.0.0.1:{port}: Address already in use", error.Trim());
    }

    [Fact]
    public void A_management_port_that_is_taken_stops_the_host_with_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, error) = CommandTests.Run("server", "--config", Config("cluster { port = 0, formation = discovery, discovery.contact-points = [\"127.0.0.1:1\"] }"), "--management-port", $"{port}");
        Assert.Equal(2, code);
        Assert.StartsWith($"signactors: signactors.cluster.management: cannot listen on 127.0.0.1:{port}: ", error.Trim());
        Assert.DoesNotContain('\n', error.Trim());
    }
}
