package openservicebrokerv1

// OperationKind names an operation that changes the broker's resources: the operations the
// specification's Orphan Mitigation table judges.
type OperationKind string

// The five kinds of operation that change a broker's resources.
const (
	OperationProvision   OperationKind = "provision"   // ReplaceServiceInstance
	OperationUpdate      OperationKind = "update"      // UpdateServiceInstance
	OperationDeprovision OperationKind = "deprovision" // DeleteServiceInstance
	OperationBind        OperationKind = "bind"        // ReplaceServiceBinding
	OperationUnbind      OperationKind = "unbind"      // DeleteServiceBinding
)

func (k OperationKind) valid() bool {
	switch k {
	case OperationProvision, OperationUpdate, OperationDeprovision, OperationBind, OperationUnbind:
		return true
	}
	return false
}

// creates reports whether the operation creates a resource (a provision or a bind).
func (k OperationKind) creates() bool {
	return k == OperationProvision || k == OperationBind
}

// deletes reports whether the operation deletes a resource (a deprovision or an unbind).
func (k OperationKind) deletes() bool {
	return k == OperationDeprovision || k == OperationUnbind
}
