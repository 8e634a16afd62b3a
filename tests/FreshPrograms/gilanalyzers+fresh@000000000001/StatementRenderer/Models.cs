namespace StatementRenderer;

public sealed record Transaction(DateOnly Date, string Description, decimal Amount);

public sealed record Account(string Id, string Holder, IReadOnlyList<Transaction> Transactions);
