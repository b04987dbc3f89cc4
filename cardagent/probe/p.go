package probe

import (
	_ "github.com/coder/websocket"
	_ "github.com/ebfe/scard"
	_ "github.com/emmansun/gmsm/sm2"
	_ "github.com/emmansun/gmsm/sm3"
	_ "github.com/google/uuid"
)
