namespace PrivateFl.Server.Storage;

/// <summary>A round's charge against its session's privacy budget, reserved before any of its cohorts unmasks.</summary>
/// <param name="SessionId">The session's id.</param>
/// <param name="RoundNumber">The round charged.</param>
/// <param name="Charge">Which charge this is: the session's ε after it is that of <paramref name="Charge"/> releases.</param>
/// <param name="ReservedUnixMs">When it was reserved, in Unix milliseconds.</param>
/// <remarks>
/// A reserved round stays charged even if it then aborts: some cohort may already have revealed the shares that let
/// the server unmask its sum (DESIGN.md, "Growing past one machine").
/// </remarks>
public sealed record BudgetReservation(string SessionId, long RoundNumber, int Charge, long ReservedUnixMs);
