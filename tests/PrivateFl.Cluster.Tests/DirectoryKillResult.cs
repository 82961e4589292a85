namespace PrivateFl.Cluster.Tests;

/// <summary>What one SIGKILL of a silo cost the grains (docs/scale-out.md, "Grain directory").</summary>
/// <param name="Grains">Probe grains activated before the kill.</param>
/// <param name="OnVictim">Of those, how many lived on the killed silo (lost by definition).</param>
/// <param name="SurvivorsLost">How many that lived on a surviving silo answered afterwards from a new activation.</param>
/// <param name="DeclaredDead">From SIGKILL until the membership table said Dead.</param>
/// <param name="Recovered">From SIGKILL until every grain had answered again.</param>
internal sealed record DirectoryKillResult(int Grains, int OnVictim, int SurvivorsLost, TimeSpan DeclaredDead, TimeSpan Recovered);
