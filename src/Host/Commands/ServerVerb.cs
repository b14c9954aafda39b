using System.CommandLine;
using SignActors.Runtime.Cluster;

namespace SignActors.Host.Commands;

/// <summary>`signactors server --config F`: the round coordinator as the cluster member with role server (SPEC §12).</summary>
public static class ServerVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same on every host)" };
        var port = new Option<int?>("--port") { Description = "overrides signactors.cluster.port" };
        var management = ClusterOptions.ManagementPort();
        var resume = new Option<string?>("--resume") { Description = "continue from a checkpoint.bin written by the same config" };
        var command = new Command("server", "Run the round coordinator as a cluster member with role server; it waits for every node to register.") { config, port, management, resume };
        command.SetAction(parse => guard(() => ClusterRoles.RunServer(parse.GetValue(config), stdout, parse.GetValue(resume), c => ClusterSettings.Read(c, parse.GetValue(port), parse.GetValue(management)))));
        return command;
    }
}
