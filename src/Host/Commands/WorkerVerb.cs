using System.CommandLine;
using SignActors.Runtime.Cluster;
using SignActors.Runtime.Federation;

namespace SignActors.Host.Commands;

/// <summary>`signactors worker --config F --nodes 0-3`: a range of node actors as a cluster member with role worker.</summary>
public static class WorkerVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same on every host)" };
        var nodes = new Option<string>("--nodes") { Description = "node ids this host runs: a range 0-3, or a list 0,2,5", Required = true };
        var port = new Option<int?>("--port") { Description = "overrides signactors.cluster.port (0 = any free port)" };
        var management = ClusterOptions.ManagementPort();
        var command = new Command("worker", "Run a range of node actors as a cluster member with role worker.") { config, nodes, port, management };
        command.SetAction(parse => guard(() =>
        {
            var prepared = RunCommand.Prepare(parse.GetValue(config), stdout);
            var ids = ClusterRoles.ParseNodes(parse.GetValue(nodes)!, prepared.Settings.Contract.Nodes);
            return ClusterRoles.RunWorker(prepared, ids, ClusterSettings.Read(prepared.Config, parse.GetValue(port) ?? 0, parse.GetValue(management)), stdout);
        }));
        return command;
    }
}
