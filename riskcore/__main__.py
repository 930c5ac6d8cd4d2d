from riskcore.cli import main

raise SystemExit(main())
